package dev.pilotlight.api.reserve;

import static dev.pilotlight.api.reserve.ReserveAnnotations.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReserveSpecsTest {
  static Map<String, String> on(String... keyValues) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(INSTANCE, "true");
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  @Test
  void offUnlessTheInstanceAnnotationIsTrue() {
    assertThat(ReserveSpecs.resolve(Map.of(), 4)).isEmpty();
    assertThat(ReserveSpecs.resolve(Map.of(INSTANCE, "false", SERVES_UP_TO, "2"), 4)).isEmpty();
    assertThat(ReserveSpecs.resolve(Map.of(INSTANCE, "TRUE"), 4)).isPresent();
  }

  @Test
  void defaultsAreTheRevisionsConcurrencyAndServingNothingAlone() {
    ReserveSpec spec = ReserveSpecs.resolve(on(), 4).orElseThrow();
    assertThat(spec).isEqualTo(ReserveSpec.of(4, 0));
    assertThat(spec.resources().isEmpty()).isTrue();
    assertThat(spec.hasKubernetesOnlySettings()).isFalse();
  }

  @Test
  void everyAnnotationIsRead() {
    ReserveSpec spec =
        ReserveSpecs.resolve(
                on(
                    CONTAINER_CONCURRENCY, "2",
                    SERVES_UP_TO, "1",
                    RESOURCES, "cpu=250m, memory=256Mi",
                    NODE_SELECTOR, "type=virtual-kubelet,kubernetes.io/arch=amd64",
                    TOLERATIONS,
                        "virtual-kubelet.io/provider:NoSchedule,eci=true:NoExecute,spot=yes",
                    POD_ANNOTATIONS,
                        "{\"k8s.aliyun.com/eci-use-specs\": \"ecs.t6-c1m2.large,ecs.t5-lc1m2.large\"}"),
                8)
            .orElseThrow();
    assertThat(spec.containerConcurrency()).isEqualTo(2);
    assertThat(spec.servesUpTo()).isEqualTo(1);
    assertThat(spec.resources())
        .isEqualTo(new ReserveResources("250m", 250, "256Mi", 256L * 1024 * 1024));
    assertThat(spec.resources()).hasToString("cpu=250m,memory=256Mi");
    assertThat(spec.nodeSelector())
        .containsExactly(
            Map.entry("type", "virtual-kubelet"), Map.entry("kubernetes.io/arch", "amd64"));
    assertThat(spec.tolerations())
        .containsExactly(
            new Toleration("virtual-kubelet.io/provider", "Exists", null, "NoSchedule"),
            new Toleration("eci", "Equal", "true", "NoExecute"),
            new Toleration("spot", "Equal", "yes", null));
    assertThat(spec.podAnnotations())
        .containsExactly(
            Map.entry("k8s.aliyun.com/eci-use-specs", "ecs.t6-c1m2.large,ecs.t5-lc1m2.large"));
    assertThat(spec.hasKubernetesOnlySettings()).isTrue();
  }

  @Test
  void quantitiesAreKubernetesQuantitiesRoundedUp() {
    assertThat(resources("cpu=0.5").cpuMillicores()).isEqualTo(500);
    assertThat(resources("cpu=2").cpuMillicores()).isEqualTo(2000);
    assertThat(resources("cpu=1500m").cpuMillicores()).isEqualTo(1500);
    assertThat(resources("cpu=100u").cpuMillicores()).isEqualTo(1);
    assertThat(resources("memory=1Gi").memoryBytes()).isEqualTo(1L << 30);
    assertThat(resources("memory=128M").memoryBytes()).isEqualTo(128_000_000L);
    assertThat(resources("memory=1e3").memoryBytes()).isEqualTo(1000);
    assertThat(resources("memory=1.5Ki").memoryBytes()).isEqualTo(1536);
    assertThat(resources("memory=1E").memoryBytes()).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(resources("cpu=1").memory()).isNull();
  }

  static ReserveResources resources(String value) {
    return ReserveSpecs.resolve(on(RESOURCES, value), 0).orElseThrow().resources();
  }

  static Stream<Arguments> badValues() {
    String f = "annotations[pilotlight.dev/reserve-";
    return Stream.of(
        Arguments.of(
            Map.of(INSTANCE, "yes"), f + "instance]: \"yes\" (expected: \"true\" or \"false\")"),
        Arguments.of(
            Map.of(SERVES_UP_TO, "1", RESOURCES, "cpu=1"),
            f
                + "instance]: not set while pilotlight.dev/reserve-resources,"
                + " pilotlight.dev/reserve-serves-up-to are (expected: \"true\" to keep a reserve"
                + " instance, or \"false\")"),
        Arguments.of(
            on("pilotlight.dev/reserve-cpu", "1"),
            "annotations[pilotlight.dev/reserve-cpu]: unknown pilot-light annotation (expected:"
                + " one of pilotlight.dev/reserve-instance,"
                + " pilotlight.dev/reserve-container-concurrency, pilotlight.dev/reserve-serves-up-to,"
                + " pilotlight.dev/reserve-resources, pilotlight.dev/reserve-node-selector,"
                + " pilotlight.dev/reserve-tolerations, pilotlight.dev/reserve-pod-annotations)"),
        Arguments.of(
            on(CONTAINER_CONCURRENCY, "-1"),
            f + "container-concurrency]: \"-1\" (expected: integer 0..1000, 0 = unlimited)"),
        Arguments.of(
            on(CONTAINER_CONCURRENCY, "1001"),
            f + "container-concurrency]: \"1001\" (expected: integer 0..1000, 0 = unlimited)"),
        Arguments.of(
            on(SERVES_UP_TO, "lots"), f + "serves-up-to]: \"lots\" (expected: integer >= 0)"),
        Arguments.of(
            on(CONTAINER_CONCURRENCY, "2", SERVES_UP_TO, "3"),
            f + "serves-up-to]: \"3\" (expected: 0..2, at most the reserve's concurrency limit)"),
        Arguments.of(
            on(RESOURCES, "cpu"),
            f
                + "resources]: \"cpu\" (expected: NAME=QUANTITY pairs separated by commas, e.g."
                + " cpu=250m,memory=256Mi)"),
        Arguments.of(
            on(RESOURCES, "cpu=lots"),
            f
                + "resources]: \"cpu=lots\" (expected: cpu as a Kubernetes quantity of at least"
                + " 1m, e.g. 250m or 0.5)"),
        Arguments.of(
            on(RESOURCES, "cpu=0"),
            f
                + "resources]: \"cpu=0\" (expected: cpu as a Kubernetes quantity of at least 1m,"
                + " e.g. 250m or 0.5)"),
        Arguments.of(
            on(RESOURCES, "memory=256MB"),
            f
                + "resources]: \"memory=256MB\" (expected: memory as a Kubernetes quantity of at"
                + " least 1 byte, e.g. 256Mi or 1Gi)"),
        Arguments.of(
            on(RESOURCES, "memory=-1Gi"),
            f
                + "resources]: \"memory=-1Gi\" (expected: memory as a Kubernetes quantity of at"
                + " least 1 byte, e.g. 256Mi or 1Gi)"),
        Arguments.of(
            on(RESOURCES, "gpu=1"),
            f + "resources]: \"gpu=1\" (expected: resource names cpu, memory)"),
        Arguments.of(
            on(RESOURCES, "cpu=1,cpu=2"),
            f + "resources]: \"cpu\" is given twice (expected: each at most once)"),
        Arguments.of(
            on(NODE_SELECTOR, "virtual"),
            f
                + "node-selector]: \"virtual\" (expected: KEY=VALUE pairs separated by commas,"
                + " e.g. type=virtual-kubelet)"),
        Arguments.of(
            on(NODE_SELECTOR, "Bad Key=x"),
            f
                + "node-selector]: \"Bad Key\" (expected: a label key: [prefix/]name, name 1-63"
                + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit,"
                + " prefix a DNS subdomain)"),
        Arguments.of(
            on(NODE_SELECTOR, "Example.com/type=x"),
            f
                + "node-selector]: \"Example.com/type\" (expected: a label key: [prefix/]name, name"
                + " 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or"
                + " digit, prefix a DNS subdomain)"),
        Arguments.of(
            on(NODE_SELECTOR, "type=-x"),
            f
                + "node-selector]: \"-x\" (expected: a label value: at most 63 letters, digits,"
                + " '-', '_' or '.', starting and ending with a letter or digit)"),
        Arguments.of(
            on(NODE_SELECTOR, "a=1,a=2"),
            f + "node-selector]: \"a\" is given twice (expected: each at most once)"),
        Arguments.of(
            on(TOLERATIONS, "eci=true:Never"),
            f
                + "tolerations]: \"eci=true:Never\" (expected: KEY[=VALUE][:EFFECT] separated by"
                + " commas, EFFECT one of NoSchedule, PreferNoSchedule, NoExecute, e.g."
                + " virtual-kubelet.io/provider:NoSchedule)"),
        Arguments.of(
            on(TOLERATIONS, ":NoSchedule"),
            f
                + "tolerations]: \":NoSchedule\" (expected: KEY[=VALUE][:EFFECT] separated by"
                + " commas, EFFECT one of NoSchedule, PreferNoSchedule, NoExecute, e.g."
                + " virtual-kubelet.io/provider:NoSchedule)"),
        Arguments.of(
            on(POD_ANNOTATIONS, "eci=true"),
            f
                + "pod-annotations]: \"eci=true\" (expected: a JSON object of string values, e.g."
                + " {\"k8s.aliyun.com/eci-use-specs\": \"2-4Gi\"})"),
        Arguments.of(
            on(POD_ANNOTATIONS, "{\"a\": 1}"),
            f + "pod-annotations]: \"a\" has 1 (expected: a string value)"),
        Arguments.of(
            on(POD_ANNOTATIONS, "{\"bad key\": \"x\"}"),
            f
                + "pod-annotations]: \"bad key\" (expected: an annotation key: [prefix/]name, name"
                + " 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or"
                + " digit, prefix a DNS subdomain)"),
        Arguments.of(
            on(POD_ANNOTATIONS, "{\"a\": \"" + "x".repeat(70_000) + "\"}"),
            f + "pod-annotations]: 70009 characters (expected: at most 65536)"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void aBadValueIsRefusedNamingTheFieldAndTheRule(Map<String, String> annotations, String line) {
    assertThat(ReserveSpecs.validate(annotations, 0))
        .map(Violation::toString)
        .containsExactly(line);
    assertThatThrownBy(() -> ReserveSpecs.resolve(annotations, 0))
        .isInstanceOf(ValidationException.class)
        .hasMessage(line);
  }

  @Test
  void lenientReadingKeepsWhatIsValid() {
    Optional<ReserveSpec> spec =
        ReserveSpecs.lenient(on(SERVES_UP_TO, "x", RESOURCES, "cpu=1,gpu=1"), 3);
    assertThat(spec).hasValue(new ReserveSpec(3, 0, resources("cpu=1"), null, null, null));
  }

  @Test
  void otherAnnotationsAreNotOurs() {
    assertThat(
            ReserveSpecs.validate(
                Map.of("pilotlight.dev/window-averaging", "x", "example.com/reserve-cpu", "1"), 0))
        .isEmpty();
  }

  @Test
  void emptyValuesSetNothing() {
    assertThat(
            ReserveSpecs.resolve(
                on(RESOURCES, "", NODE_SELECTOR, " ", TOLERATIONS, "", POD_ANNOTATIONS, ""), 0))
        .hasValue(ReserveSpec.of(0, 0));
  }

  @Test
  void theSpecIsAValue() {
    ReserveSpec a = ReserveSpecs.resolve(on(NODE_SELECTOR, "a=1,b=2"), 0).orElseThrow();
    ReserveSpec b = ReserveSpecs.resolve(on(NODE_SELECTOR, "a=1,b=2"), 0).orElseThrow();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(List.copyOf(a.nodeSelector().keySet())).containsExactly("a", "b");
  }
}
