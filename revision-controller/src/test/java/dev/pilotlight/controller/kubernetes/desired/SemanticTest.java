package dev.pilotlight.controller.kubernetes.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SemanticTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("same", "{a: 1}", "{a: 1}", true),
        Arguments.of("server defaults a field", "{a: 1}", "{a: 1, b: 2}", true),
        Arguments.of("a value differs", "{a: 1}", "{a: 2}", false),
        Arguments.of("a field is missing", "{a: 1, b: 2}", "{a: 1}", false),
        Arguments.of("empty desired list vs absent", "{a: []}", "{}", true),
        Arguments.of("number formats", "{a: 1}", "{a: 1.0}", true),
        Arguments.of(
            "defaults inside list elements",
            "{containers: [{name: c, image: i}]}",
            "{containers: [{name: c, image: i, imagePullPolicy: Always}]}",
            true),
        Arguments.of(
            "a list element removed", "{env: [{name: A}]}", "{env: [{name: A}, {name: B}]}", false),
        Arguments.of(
            "a label removed from a template",
            "{template: {metadata: {labels: {a: x}}}}",
            "{template: {metadata: {labels: {a: x, b: y}}}}",
            false),
        Arguments.of(
            "an annotation removed", "{annotations: {a: x}}", "{annotations: {a: x, b: y}}", false),
        Arguments.of(
            "a Service selector gained a key",
            "{selector: {a: x}}",
            "{selector: {a: x, b: y}}",
            false),
        Arguments.of(
            "a Deployment selector object is compared by its matchLabels",
            "{selector: {matchLabels: {a: x}}}",
            "{selector: {matchLabels: {a: x}, matchExpressions: []}}",
            true),
        Arguments.of(
            "quantities by value",
            "{resources: {limits: {cpu: 1000m, memory: 1Gi}}}",
            "{resources: {limits: {cpu: '1', memory: 1024Mi}}}",
            true),
        Arguments.of(
            "quantities that differ",
            "{resources: {requests: {cpu: 500m}}}",
            "{resources: {requests: {cpu: '1'}}}",
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void derivative(String name, String desired, String actual, boolean expected) {
    assertThat(Semantic.derivative(yaml(desired), yaml(actual))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "containsAll {0} in {1}: {2}")
  @MethodSource("maps")
  void containsAll(Map<String, String> desired, Map<String, String> actual, boolean expected) {
    assertThat(Semantic.containsAll(desired, actual)).isEqualTo(expected);
  }

  static Stream<Arguments> maps() {
    return Stream.of(
        Arguments.of(Map.of(), null, true),
        Arguments.of(Map.of("a", "1"), Map.of("a", "1", "b", "2"), true),
        Arguments.of(Map.of("a", "1"), Map.of("a", "2"), false),
        Arguments.of(Map.of("a", "1"), null, false));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String s) {
    try {
      return new YAMLMapper().readValue(s, Map.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
