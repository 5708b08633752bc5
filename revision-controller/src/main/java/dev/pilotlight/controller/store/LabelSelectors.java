package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes label selectors ({@code matchLabels} and {@code matchExpressions} with {@code In},
 * {@code NotIn}, {@code Exists}, {@code DoesNotExist}) as predicates over an object's labels, so
 * the object store's sources select as informers do on a cluster. Pure.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** Selects the objects carrying label {@code key}, whatever its value. */
  public static LabelSelector exists(String key) {
    return new LabelSelectorBuilder()
        .addNewMatchExpression()
        .withKey(Objects.requireNonNull(key, "key"))
        .withOperator("Exists")
        .endMatchExpression()
        .build();
  }

  /**
   * The predicate of {@code selector} over labels (null labels read as none); null or empty selects
   * everything, as in Kubernetes.
   *
   * @throws IllegalArgumentException naming the field when the selector breaks a rule: an unknown
   *     operator, {@code In}/{@code NotIn} without values, {@code Exists}/{@code DoesNotExist} with
   *     values, a missing key
   */
  public static Predicate<Map<String, String>> matcher(LabelSelector selector) {
    if (selector == null) {
      return labels -> true;
    }
    Map<String, String> matchLabels =
        selector.getMatchLabels() == null ? Map.of() : Map.copyOf(selector.getMatchLabels());
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    Predicate<Map<String, String>> all =
        labels -> labels.entrySet().containsAll(matchLabels.entrySet());
    for (int i = 0; i < expressions.size(); i++) {
      all = all.and(requirement(expressions.get(i), "labelSelector.matchExpressions[" + i + "]"));
    }
    Predicate<Map<String, String>> selects = all;
    return labels -> selects.test(labels == null ? Map.of() : labels);
  }

  private static Predicate<Map<String, String>> requirement(
      LabelSelectorRequirement r, String field) {
    if (r == null) {
      throw new IllegalArgumentException(field + ": null (expected: a requirement)");
    }
    String key = r.getKey();
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException(field + ".key: missing (expected: a label key)");
    }
    Set<String> values = r.getValues() == null ? Set.of() : Set.copyOf(r.getValues());
    String op = r.getOperator();
    switch (op == null ? "" : op) {
      case "In", "NotIn" -> {
        if (values.isEmpty()) {
          throw new IllegalArgumentException(
              field + ".values: empty (expected: at least one value for operator " + op + ")");
        }
        if ("In".equals(op)) {
          return labels -> labels.containsKey(key) && values.contains(labels.get(key));
        }
        // NotIn: an object without the label is not in the values either
        return labels -> !labels.containsKey(key) || !values.contains(labels.get(key));
      }
      case "Exists", "DoesNotExist" -> {
        if (!values.isEmpty()) {
          throw new IllegalArgumentException(
              field + ".values: " + values + " (expected: none for operator " + op + ")");
        }
        boolean exists = "Exists".equals(op);
        return labels -> labels.containsKey(key) == exists;
      }
      default ->
          throw new IllegalArgumentException(
              field + ".operator: \"" + op + "\" (expected: In, NotIn, Exists or DoesNotExist)");
    }
  }
}
