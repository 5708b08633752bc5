package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One CRD file of {@code crds/} and what the API server would say about an object of its kind: the
 * openAPIV3Schema's verdict (as JSON Schema 2020-12, see {@link #toJsonSchema}) and the CEL rules'
 * ({@link CelRules}).
 */
final class CrdSchema {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** A refusal: where ({@code spec.traffic[1]}, {@code ""} for the object) and why. */
  record Problem(String path, String message) {
    @Override
    public String toString() {
      return (path.isEmpty() ? "<object>" : path) + ": " + message;
    }
  }

  final Path file;
  final CustomResourceDefinition crd;
  final JsonNode openApi;
  final CelRules rules;
  private final JsonSchema jsonSchema;

  private CrdSchema(Path file, String text) {
    this.file = file;
    this.crd = Serialization.unmarshal(text, CustomResourceDefinition.class);
    try {
      JsonNode raw = YAML.readTree(text);
      this.openApi =
          raw.path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.rules = new CelRules(openApi);
    this.jsonSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(toJsonSchema(openApi));
  }

  static CrdSchema load(Path file) {
    try {
      return new CrdSchema(file, Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<CrdSchema> all;

  /** Every CRD of {@code crds/}, read once. */
  static synchronized List<CrdSchema> all() {
    if (all == null) {
      all = ProjectFiles.yamlFiles("crds").stream().map(CrdSchema::load).toList();
    }
    return all;
  }

  String apiVersion() {
    return crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
  }

  String kind() {
    return crd.getSpec().getNames().getKind();
  }

  /** Problems of creating {@code object}, schema first, then rules; empty when it is accepted. */
  List<Problem> validate(JsonNode object) {
    return validateUpdate(object, null);
  }

  /** Problems of replacing {@code old} by {@code object} (transition rules included). */
  List<Problem> validateUpdate(JsonNode object, JsonNode old) {
    List<Problem> out = new ArrayList<>();
    List<ValidationMessage> messages = new ArrayList<>(jsonSchema.validate(object));
    messages.sort(Comparator.comparing(m -> m.getInstanceLocation().toString()));
    for (ValidationMessage m : messages) {
      out.add(new Problem(path(m), m.getError()));
    }
    out.addAll(rules.validate(object, old));
    return out;
  }

  private static String path(ValidationMessage m) {
    String p = m.getInstanceLocation().toString();
    return p.equals("$") ? "" : p.startsWith("$.") ? p.substring(2) : p;
  }

  /**
   * The openAPIV3Schema as JSON Schema, with Kubernetes' meaning: {@code
   * x-kubernetes-int-or-string} as an integer-or-string {@code anyOf}; {@code nullable} as a {@code
   * null} type; and an object with {@code properties} refusing other fields unless {@code
   * x-kubernetes-preserve-unknown-fields}: the API server would prune them and {@code kubectl
   * apply} (strict field validation, its default) refuse them, so an example with a misspelt field
   * fails here. Other {@code x-kubernetes-*} keys are dropped.
   */
  static JsonNode toJsonSchema(JsonNode s) {
    ObjectNode out = JSON.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (k.startsWith("x-kubernetes-") || k.equals("nullable")) {
        continue;
      }
      switch (k) {
        case "properties" -> {
          ObjectNode props = out.putObject("properties");
          v.fields().forEachRemaining(p -> props.set(p.getKey(), toJsonSchema(p.getValue())));
        }
        case "items", "not" -> out.set(k, toJsonSchema(v));
        case "additionalProperties" -> out.set(k, v.isObject() ? toJsonSchema(v) : v);
        case "anyOf", "allOf", "oneOf" -> {
          ArrayNode list = out.putArray(k);
          v.forEach(x -> list.add(toJsonSchema(x)));
        }
        default -> out.set(k, v.deepCopy());
      }
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false) && !s.has("anyOf")) {
      ArrayNode anyOf = out.putArray("anyOf");
      anyOf.addObject().put("type", "integer");
      anyOf.addObject().put("type", "string");
    }
    if (s.path("nullable").asBoolean(false) && s.has("type")) {
      ArrayNode types = JSON.arrayNode().add(s.get("type").asText()).add("null");
      out.set("type", types);
    }
    if ("object".equals(s.path("type").asText())
        && s.has("properties")
        && !s.has("additionalProperties")
        && !s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      out.put("additionalProperties", false);
    }
    return out;
  }
}
