package dev.pilotlight.api.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.api.model.ConfigObject;
import dev.pilotlight.api.model.ObjectMeta;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one {@code apiVersion: v1} ConfigMap or Secret document, with Kubernetes' rules: the name a
 * DNS-1123 subdomain, keys of {@code [-._a-zA-Z0-9]+} (at most 253, not {@code .}, {@code ..} or
 * starting with {@code ..}); a ConfigMap's {@code data} (strings) and {@code binaryData} (base64)
 * with no key in both; a Secret's {@code data} (base64) and {@code stringData} (strings, over
 * {@code data}); any Secret {@code type} (default {@code Opaque}); {@code immutable}; at most 1 MiB
 * in all. Each problem names the field.
 */
final class ConfigObjectReader {
  static final String API_VERSION = "v1";
  static final long MAX_BYTES = 1024 * 1024;
  private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> CONFIG_MAP_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "data", "binaryData", "immutable");
  private static final Set<String> SECRET_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable");
  private static final Set<String> METADATA_FIELDS =
      Set.of(
          "name",
          "namespace",
          "labels",
          "annotations",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "managedFields",
          "ownerReferences",
          "finalizers");

  private ConfigObjectReader() {}

  static boolean handles(String apiVersion, String kind) {
    return API_VERSION.equals(apiVersion)
        && (ConfigObject.Kind.CONFIG_MAP.kind().equals(kind)
            || ConfigObject.Kind.SECRET.kind().equals(kind));
  }

  /** The object, or null with the problems added. */
  static ConfigObject read(JsonNode node, String source, String id, List<ManifestProblem> out) {
    int before = out.size();
    boolean secret = ConfigObject.Kind.SECRET.kind().equals(node.path("kind").asText());
    Set<String> fields = secret ? SECRET_FIELDS : CONFIG_MAP_FIELDS;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        out.add(new ManifestProblem(source, id, f, "unknown field \"" + f + "\""));
      }
    }
    JsonNode meta = node.path("metadata");
    String name = meta.path("name").isTextual() ? meta.path("name").asText() : null;
    String namespace = ObjectMeta.DEFAULT_NAMESPACE;
    if (!meta.isObject()) {
      out.add(new ManifestProblem(source, id, "metadata", "required"));
    } else {
      for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!METADATA_FIELDS.contains(f)) {
          out.add(new ManifestProblem(source, id, "metadata." + f, "unknown field \"" + f + "\""));
        }
      }
      if (name == null || name.isEmpty()) {
        out.add(new ManifestProblem(source, id, "metadata.name", "required"));
      } else if (name.length() > 253 || !SUBDOMAIN.matcher(name).matches()) {
        out.add(
            new ManifestProblem(
                source,
                id,
                "metadata.name",
                "\""
                    + name
                    + "\" (expected: a DNS-1123 subdomain: lower case letters, digits, '-' and"
                    + " '.', at most 253)"));
      }
      if (meta.has("namespace")) {
        namespace = meta.path("namespace").asText();
        if (namespace.length() > 63 || !LABEL.matcher(namespace).matches()) {
          out.add(
              new ManifestProblem(
                  source,
                  id,
                  "metadata.namespace",
                  "\"" + namespace + "\" (expected: a DNS-1123 label)"));
        }
      }
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    if (secret) {
      strings(node, "data", true, data, source, id, out);
      Map<String, byte[]> stringData = new LinkedHashMap<>();
      strings(node, "stringData", false, stringData, source, id, out);
      data.putAll(stringData);
    } else {
      strings(node, "data", false, data, source, id, out);
      Map<String, byte[]> binary = new LinkedHashMap<>();
      strings(node, "binaryData", true, binary, source, id, out);
      for (String k : binary.keySet()) {
        if (data.containsKey(k)) {
          out.add(
              new ManifestProblem(
                  source,
                  id,
                  "binaryData." + k,
                  "duplicate of data." + k + " (expected: each key in data or binaryData, once)"));
        }
      }
      data.putAll(binary);
    }
    String type = null;
    if (secret) {
      JsonNode t = node.path("type");
      if (t.isMissingNode() || t.isNull()) {
        type = "Opaque";
      } else if (!t.isTextual() || t.asText().isEmpty()) {
        out.add(new ManifestProblem(source, id, "type", t + " (expected: a non-empty string)"));
      } else {
        type = t.asText();
      }
    }
    JsonNode im = node.path("immutable");
    if (!im.isMissingNode() && !im.isNull() && !im.isBoolean()) {
      out.add(new ManifestProblem(source, id, "immutable", im + " (expected: true or false)"));
    }
    long size = 0;
    for (Map.Entry<String, byte[]> e : data.entrySet()) {
      size += e.getKey().length() + e.getValue().length;
    }
    if (size > MAX_BYTES) {
      out.add(
          new ManifestProblem(
              source,
              id,
              "data",
              size + " bytes in all (expected: at most 1 MiB, 1048576 bytes, as Kubernetes)"));
    }
    if (out.size() > before) {
      return null;
    }
    return new ConfigObject(
        secret ? ConfigObject.Kind.SECRET : ConfigObject.Kind.CONFIG_MAP,
        namespace,
        name,
        data,
        type,
        im.asBoolean(false));
  }

  /** Whether {@code key} is a valid ConfigMap or Secret key; the rule when not, else null. */
  static String keyProblem(String key) {
    if (key.isEmpty() || key.length() > 253 || !KEY.matcher(key).matches()) {
      return "(expected: a key of letters, digits, '-', '_' and '.', at most 253)";
    }
    if (key.equals(".") || key.equals("..") || key.startsWith("..")) {
      return "(expected: not '.' or '..', and not starting with '..')";
    }
    return null;
  }

  private static void strings(
      JsonNode node,
      String field,
      boolean base64,
      Map<String, byte[]> into,
      String source,
      String id,
      List<ManifestProblem> out) {
    JsonNode m = node.path(field);
    if (m.isMissingNode() || m.isNull()) {
      return;
    }
    if (!m.isObject()) {
      out.add(new ManifestProblem(source, id, field, "wrong type (expected: a mapping)"));
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = field + "." + e.getKey();
      String problem = keyProblem(e.getKey());
      if (problem != null) {
        out.add(new ManifestProblem(source, id, at, "\"" + e.getKey() + "\" " + problem));
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isNull()) {
        into.put(e.getKey(), new byte[0]);
        continue;
      }
      if (!v.isTextual()) {
        out.add(
            new ManifestProblem(
                source,
                id,
                at,
                (v.isValueNode() ? v.toString() : "a " + v.getNodeType().name().toLowerCase())
                    + " (expected: a string; quote a number or a boolean, as Kubernetes needs)"));
        continue;
      }
      String text = v.asText();
      if (base64) {
        try {
          into.put(e.getKey(), Base64.getMimeDecoder().decode(strictBase64(text)));
        } catch (IllegalArgumentException bad) {
          out.add(
              new ManifestProblem(
                  source, id, at, "not base64 (expected: base64 of the value's bytes)"));
        }
      } else {
        into.put(e.getKey(), text.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** Base64 with line breaks and spaces allowed, any other stray character refused. */
  private static String strictBase64(String text) {
    String compact = text.replaceAll("\\s", "");
    if (!compact.matches("[A-Za-z0-9+/]*={0,2}") || compact.length() % 4 != 0) {
      throw new IllegalArgumentException("not base64");
    }
    return compact;
  }
}
