package dev.pilotlight.api.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link RevisionSpec} as Knative writes it: the pod spec's fields inline, next to {@code
 * containerConcurrency}, {@code timeoutSeconds}, {@code responseStartTimeoutSeconds} and {@code
 * idleTimeoutSeconds}. Written with sorted keys, so a template's canonical form (and hash) does not
 * depend on field order.
 */
final class RevisionSpecJson {
  private RevisionSpecJson() {}

  private static final ObjectMapper TREES = new ObjectMapper();

  static final String CONTAINER_CONCURRENCY = "containerConcurrency";
  static final String TIMEOUT_SECONDS = "timeoutSeconds";
  static final String RESPONSE_START_TIMEOUT_SECONDS = "responseStartTimeoutSeconds";
  static final String IDLE_TIMEOUT_SECONDS = "idleTimeoutSeconds";

  static final class Writer extends JsonSerializer<RevisionSpec> {
    @Override
    public void serialize(RevisionSpec spec, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      // the pod spec through the caller's own configuration, then merged with Knative's fields
      TokenBuffer buffer = new TokenBuffer(gen.getCodec(), false);
      provider.defaultSerializeValue(spec.podSpec(), buffer);
      JsonNode pod;
      try (JsonParser p = buffer.asParser()) {
        pod = TREES.readTree(p);
      }
      Map<String, Object> fields = new TreeMap<>();
      if (pod != null && pod.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = pod.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          fields.put(e.getKey(), e.getValue());
        }
      }
      putIfSet(fields, CONTAINER_CONCURRENCY, spec.containerConcurrency());
      putIfSet(fields, TIMEOUT_SECONDS, spec.timeoutSeconds());
      putIfSet(fields, RESPONSE_START_TIMEOUT_SECONDS, spec.responseStartTimeoutSeconds());
      putIfSet(fields, IDLE_TIMEOUT_SECONDS, spec.idleTimeoutSeconds());
      gen.writeStartObject(spec);
      for (Map.Entry<String, Object> e : fields.entrySet()) {
        gen.writeFieldName(e.getKey());
        if (e.getValue() instanceof JsonNode n) {
          provider.defaultSerializeValue(n, gen);
        } else {
          gen.writeNumber((Long) e.getValue());
        }
      }
      gen.writeEndObject();
    }

    private static void putIfSet(Map<String, Object> fields, String key, Long value) {
      if (value != null) {
        fields.put(key, value);
      }
    }
  }

  static final class Reader extends JsonDeserializer<RevisionSpec> {
    @Override
    public RevisionSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT && p.currentToken() != JsonToken.FIELD_NAME) {
        return (RevisionSpec) ctxt.handleUnexpectedToken(RevisionSpec.class, p);
      }
      JsonNode tree = ctxt.readTree(p);
      if (!tree.isObject()) {
        return (RevisionSpec) ctxt.handleUnexpectedToken(RevisionSpec.class, p);
      }
      ObjectNode pod = ((ObjectNode) tree).deepCopy();
      Long cc = take(pod, CONTAINER_CONCURRENCY, p, ctxt);
      Long timeout = take(pod, TIMEOUT_SECONDS, p, ctxt);
      Long responseStart = take(pod, RESPONSE_START_TIMEOUT_SECONDS, p, ctxt);
      Long idle = take(pod, IDLE_TIMEOUT_SECONDS, p, ctxt);
      PodSpec podSpec = ctxt.readTreeAsValue(pod, PodSpec.class);
      return new RevisionSpec(podSpec, cc, timeout, responseStart, idle);
    }

    private static Long take(ObjectNode node, String key, JsonParser p, DeserializationContext c)
        throws IOException {
      JsonNode v = node.remove(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.canConvertToLong() || !v.isIntegralNumber()) {
        throw JsonMappingException.wrapWithPath(
            c.weirdStringException(v.asText(), Long.class, "not an integer"),
            RevisionSpec.class,
            key);
      }
      return v.asLong();
    }
  }
}
