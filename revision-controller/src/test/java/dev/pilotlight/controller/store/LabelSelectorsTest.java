package dev.pilotlight.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LabelSelectorsTest {
  static LabelSelector expression(String key, String op, String... values) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(key)
        .withOperator(op)
        .withValues(values)
        .endMatchExpression()
        .build();
  }

  /** name, selector, labels, selected. */
  static Stream<Arguments> cases() {
    Map<String, String> app = Map.of("app", "a", "tier", "web");
    return Stream.of(
        Arguments.of("null selects all", null, Map.of(), true),
        Arguments.of("empty selects all", new LabelSelector(), app, true),
        Arguments.of(
            "matchLabels: all present",
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "a")).build(),
            app,
            true),
        Arguments.of(
            "matchLabels: another value",
            new LabelSelectorBuilder().withMatchLabels(Map.of("app", "b")).build(),
            app,
            false),
        Arguments.of("Exists: present", LabelSelectors.exists("app"), app, true),
        Arguments.of("Exists: absent", LabelSelectors.exists("zone"), app, false),
        Arguments.of("Exists: null labels", LabelSelectors.exists("app"), null, false),
        Arguments.of("DoesNotExist: absent", expression("zone", "DoesNotExist"), app, true),
        Arguments.of("DoesNotExist: present", expression("app", "DoesNotExist"), app, false),
        Arguments.of("In: one of", expression("app", "In", "a", "b"), app, true),
        Arguments.of("In: none of", expression("app", "In", "b"), app, false),
        Arguments.of("In: absent", expression("zone", "In", "a"), app, false),
        Arguments.of("NotIn: none of", expression("app", "NotIn", "b"), app, true),
        Arguments.of("NotIn: one of", expression("app", "NotIn", "a"), app, false),
        Arguments.of("NotIn: absent", expression("zone", "NotIn", "a"), app, true),
        Arguments.of(
            "labels and expressions together",
            new LabelSelectorBuilder(expression("tier", "Exists"))
                .withMatchLabels(Map.of("app", "b"))
                .build(),
            app,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void selects(String name, LabelSelector selector, Map<String, String> labels, boolean selected) {
    assertThat(LabelSelectors.matcher(selector).test(labels)).isEqualTo(selected);
  }

  /** selector, message. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            expression("app", "Near"),
            "labelSelector.matchExpressions[0].operator: \"Near\" (expected: In, NotIn, Exists or"
                + " DoesNotExist)"),
        Arguments.of(
            expression("app", "In"),
            "labelSelector.matchExpressions[0].values: empty (expected: at least one value for"
                + " operator In)"),
        Arguments.of(
            expression("app", "Exists", "a"),
            "labelSelector.matchExpressions[0].values: [a] (expected: none for operator Exists)"),
        Arguments.of(
            expression("", "Exists"),
            "labelSelector.matchExpressions[0].key: missing (expected: a label key)"));
  }

  @ParameterizedTest
  @MethodSource("refused")
  void badSelectorsAreRefusedNamingTheField(LabelSelector selector, String message) {
    assertThatThrownBy(() -> LabelSelectors.matcher(selector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void theSecondExpressionIsNamedByItsIndex() {
    LabelSelector two =
        new LabelSelectorBuilder()
            .withMatchExpressions(
                List.of(
                    LabelSelectors.exists("a").getMatchExpressions().get(0),
                    expression("b", "Near").getMatchExpressions().get(0)))
            .build();
    assertThatThrownBy(() -> LabelSelectors.matcher(two))
        .hasMessageStartingWith("labelSelector.matchExpressions[1].operator");
  }
}
