package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CRD schema's {@code x-kubernetes-validations}, run on an object the way the API server runs
 * them: each rule on the value at its node, when that value is present; for each list item and each
 * map entry below it; a rule naming {@code oldSelf} (a transition rule) only on an update and only
 * where the old object has a value at the same path through objects (items of atomic lists are not
 * matched up, as in Kubernetes). A false rule reports its {@code messageExpression}'s value, else
 * its {@code message}.
 */
final class CelRules {

  /** One rule, where it sits ({@code spec.traffic}; {@code ""} for the root, {@code []} items). */
  record Rule(String path, String rule, String message, String messageExpression) {}

  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");

  private final JsonNode schema;
  private final Map<JsonNode, Map<String, KubernetesCel.Program>> programs =
      new IdentityHashMap<>();
  private final List<Rule> rules = new ArrayList<>();

  /** Compiles every rule of {@code schema} (an openAPIV3Schema); throws if one does not. */
  CelRules(JsonNode schema) {
    this.schema = schema;
    collect(schema, "");
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  List<CrdSchema.Problem> validate(JsonNode object, JsonNode old) {
    List<CrdSchema.Problem> out = new ArrayList<>();
    walk(
        schema,
        KubernetesCel.value(object),
        old == null ? null : KubernetesCel.value(old),
        "",
        out);
    return out;
  }

  private void collect(JsonNode node, String path) {
    for (JsonNode r : node.path("x-kubernetes-validations")) {
      Rule rule =
          new Rule(
              path,
              r.path("rule").asText(),
              r.path("message").asText(null),
              r.path("messageExpression").asText(null));
      rules.add(rule);
      compiled(node).put(rule.rule(), KubernetesCel.compile(rule.rule(), node));
      if (rule.messageExpression() != null) {
        compiled(node)
            .put(rule.messageExpression(), KubernetesCel.compile(rule.messageExpression(), node));
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      collect(e.getValue(), join(path, e.getKey()));
    }
    if (node.path("items").isObject()) {
      collect(node.path("items"), path + "[]");
    }
    if (node.path("additionalProperties").isObject()) {
      collect(node.path("additionalProperties"), path + "[]");
    }
  }

  @SuppressWarnings("unchecked")
  private void walk(
      JsonNode node, Object value, Object old, String path, List<CrdSchema.Problem> out) {
    if (value == null) {
      return;
    }
    for (JsonNode r : node.path("x-kubernetes-validations")) {
      String rule = r.path("rule").asText();
      boolean transition = OLD_SELF.matcher(rule).find();
      if (transition && old == null) {
        continue;
      }
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", value);
      if (transition) {
        vars.put("oldSelf", old);
      }
      Object result = compiled(node).get(rule).eval(vars);
      if (!Boolean.TRUE.equals(result)) {
        out.add(new CrdSchema.Problem(path, message(node, r, vars)));
      }
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> oldMap = old instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      JsonNode props = node.path("properties");
      JsonNode additional = node.path("additionalProperties");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        if (props.has(e.getKey())) {
          walk(
              props.get(e.getKey()),
              e.getValue(),
              oldMap.get(e.getKey()),
              join(path, e.getKey()),
              out);
        } else if (additional.isObject()) {
          walk(
              additional, e.getValue(), oldMap.get(e.getKey()), path + "[" + e.getKey() + "]", out);
        }
      }
    } else if (value instanceof List<?> list && node.path("items").isObject()) {
      for (int i = 0; i < list.size(); i++) {
        walk(node.path("items"), list.get(i), null, path + "[" + i + "]", out);
      }
    }
  }

  private String message(JsonNode node, JsonNode rule, Map<String, Object> vars) {
    String expression = rule.path("messageExpression").asText(null);
    if (expression != null) {
      Object m = compiled(node).get(expression).eval(vars);
      if (m instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    String message = rule.path("message").asText(null);
    return message != null ? message : "failed rule: " + rule.path("rule").asText();
  }

  private Map<String, KubernetesCel.Program> compiled(JsonNode node) {
    return programs.computeIfAbsent(node, n -> new HashMap<>());
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
