package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's conditions for a structural schema (without them it refuses the CRD), as far as
 * they concern the constructs our CRDs use: every node has a type unless it is int-or-string or
 * preserves unknown fields; an int-or-string node has no type; objects have properties or
 * additionalProperties, not both; arrays have items; only the keywords Kubernetes' JSONSchemaProps
 * knows, and none of those it forbids ({@code $ref}, {@code uniqueItems}, ...); {@code metadata} at
 * the root constrains nothing but its type.
 */
final class StructuralSchema {
  private StructuralSchema() {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "type",
          "format",
          "description",
          "title",
          "default",
          "enum",
          "maximum",
          "minimum",
          "exclusiveMaximum",
          "exclusiveMinimum",
          "maxLength",
          "minLength",
          "pattern",
          "maxItems",
          "minItems",
          "maxProperties",
          "minProperties",
          "multipleOf",
          "required",
          "items",
          "properties",
          "additionalProperties",
          "allOf",
          "anyOf",
          "oneOf",
          "not",
          "nullable",
          "example",
          "externalDocs",
          "x-kubernetes-preserve-unknown-fields",
          "x-kubernetes-int-or-string",
          "x-kubernetes-embedded-resource",
          "x-kubernetes-list-type",
          "x-kubernetes-list-map-keys",
          "x-kubernetes-map-type",
          "x-kubernetes-validations");

  /** What keeps {@code schema} (an openAPIV3Schema) from being structural; empty when it is. */
  static List<String> problems(JsonNode schema) {
    List<String> out = new ArrayList<>();
    if (!"object".equals(schema.path("type").asText())) {
      out.add("<root>: type must be object");
    }
    JsonNode metadata = schema.path("properties").path("metadata");
    if (!metadata.isMissingNode()) {
      Set<String> allowed = Set.of("type", "description");
      metadata
          .fieldNames()
          .forEachRemaining(
              k -> {
                if (!allowed.contains(k)) {
                  out.add("metadata: only its type may be given here, not " + k);
                }
              });
    }
    node(schema, "", out);
    return out;
  }

  private static void node(JsonNode n, String path, List<String> out) {
    String at = path.isEmpty() ? "<root>" : path;
    n.fieldNames()
        .forEachRemaining(
            k -> {
              if (!KEYWORDS.contains(k)) {
                out.add(at + ": keyword " + k + " is not allowed in a CRD schema");
              }
            });
    boolean intOrString = n.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean preserve = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    String type = n.path("type").asText("");
    if (intOrString && !type.isEmpty()) {
      out.add(at + ": x-kubernetes-int-or-string must not have a type");
    }
    if (!intOrString && !preserve && type.isEmpty()) {
      out.add(at + ": type is required");
    }
    if (n.has("properties") && n.has("additionalProperties")) {
      out.add(at + ": properties and additionalProperties are mutually exclusive");
    }
    if (type.equals("array") && !n.path("items").isObject()) {
      out.add(at + ": an array needs items");
    }
    if ((n.has("properties") || n.has("additionalProperties")) && !type.equals("object")) {
      out.add(at + ": properties need type object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      node(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
    }
    if (n.path("items").isObject()) {
      node(n.path("items"), path + "[]", out);
    }
    if (n.path("additionalProperties").isObject()) {
      node(n.path("additionalProperties"), path + "[*]", out);
    }
    for (String k : List.of("anyOf", "allOf", "oneOf")) {
      for (JsonNode branch : n.path(k)) {
        branch
            .fieldNames()
            .forEachRemaining(
                b -> {
                  if (!Set.of("type", "pattern", "enum", "format", "minimum", "maximum", "required")
                      .contains(b)) {
                    out.add(at + ": " + k + " may only hold value validations, not " + b);
                  }
                });
      }
    }
    for (JsonNode rule : n.path("x-kubernetes-validations")) {
      if (!rule.path("rule").isTextual()) {
        out.add(at + ": a validation rule needs its rule");
      }
      if (!rule.path("message").isTextual()) {
        out.add(at + ": rule " + rule.path("rule").asText() + " has no message");
      }
    }
  }
}
