package dev.pilotlight.controller.kubernetes.desired;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Semantic comparison of a desired object with the one the API server holds, like Kubernetes'
 * {@code equality.Semantic.DeepDerivative}: a field the desired object leaves unset is the server's
 * to default, so only fields it sets are compared. Lists compare element by element and must have
 * the same length. Maps that name things exactly (labels, annotations, selectors) must have the
 * same keys, so a removed label is seen. Quantities compare by value ({@code 1000m} = {@code 1}).
 * Comparing this way, and writing only when different, keeps the controller from fighting the
 * server's defaults in an endless update loop.
 */
public final class Semantic {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final Set<String> EXACT_MAPS =
      Set.of("labels", "annotations", "matchLabels", "nodeSelector", "selector");
  private static final Set<String> QUANTITY_MAPS = Set.of("limits", "requests");

  private Semantic() {}

  /** Whether {@code actual} already has every field {@code desired} sets, with the same value. */
  public static boolean derivative(Object desired, Object actual) {
    return derivative(tree(desired), tree(actual), null);
  }

  /** Whether every entry of {@code desired} is in {@code actual} (other entries may exist). */
  public static boolean containsAll(Map<String, String> desired, Map<String, String> actual) {
    if (desired == null || desired.isEmpty()) {
      return true;
    }
    return actual != null && actual.entrySet().containsAll(desired.entrySet());
  }

  static JsonNode tree(Object o) {
    return o == null ? null : JSON.convertValue(o, JsonNode.class);
  }

  private static boolean derivative(JsonNode desired, JsonNode actual, String field) {
    if (desired == null || desired.isNull() || desired.isMissingNode()) {
      return true;
    }
    if (actual == null || actual.isNull() || actual.isMissingNode()) {
      return isEmpty(desired);
    }
    if (desired.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      boolean exact = field != null && EXACT_MAPS.contains(field) && allText(desired);
      if (exact && countNonNull(actual) != countNonNull(desired)) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = desired.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode a = actual.get(e.getKey());
        if (field != null && QUANTITY_MAPS.contains(field) && quantityEquals(e.getValue(), a)) {
          continue;
        }
        if (!derivative(e.getValue(), a, e.getKey())) {
          return false;
        }
      }
      return true;
    }
    if (desired.isArray()) {
      if (!actual.isArray() || actual.size() != desired.size()) {
        return false;
      }
      for (int i = 0; i < desired.size(); i++) {
        if (!derivative(desired.get(i), actual.get(i), field)) {
          return false;
        }
      }
      return true;
    }
    if (desired.isNumber() && actual.isNumber()) {
      return desired.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return desired.equals(actual);
  }

  private static boolean isEmpty(JsonNode n) {
    return (n.isContainerNode() && n.isEmpty()) || (n.isTextual() && n.asText().isEmpty());
  }

  private static boolean allText(JsonNode n) {
    for (JsonNode v : n) {
      if (!v.isTextual() && !v.isNull()) {
        return false;
      }
    }
    return true;
  }

  private static int countNonNull(JsonNode n) {
    int c = 0;
    for (JsonNode v : n) {
      if (!v.isNull()) {
        c++;
      }
    }
    return c;
  }

  private static boolean quantityEquals(JsonNode desired, JsonNode actual) {
    if (desired == null || actual == null || !desired.isValueNode() || !actual.isValueNode()) {
      return false;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(desired.asText()))
              .compareTo(Quantity.getAmountInBytes(new Quantity(actual.asText())))
          == 0;
    } catch (IllegalArgumentException | ArithmeticException e) {
      return false;
    }
  }
}
