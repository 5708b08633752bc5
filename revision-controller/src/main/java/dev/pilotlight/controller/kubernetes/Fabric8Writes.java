package dev.pilotlight.controller.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/** {@link ClusterWrites} over the fabric8 client. */
public final class Fabric8Writes implements ClusterWrites {
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);

  private final KubernetesClient client;
  private final KubernetesSerialization json;

  public Fabric8Writes(KubernetesClient client) {
    this.client = client;
    this.json = client.getKubernetesSerialization();
  }

  @Override
  public <T extends HasMetadata> T create(T object) {
    return client.resource(object).create();
  }

  @Override
  public <T extends HasMetadata> T update(T object) {
    return client.resource(object).update();
  }

  @Override
  public <T extends HasMetadata> void replaceStatus(Class<T> type, ObjectKey key, Object status) {
    // JSON Patch: "add" replaces the whole status whether or not one exists, lists included
    // (a JSON merge patch would need explicit nulls, and the mock server merges lists)
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    patch
        .addObject()
        .put("op", "add")
        .put("path", "/status")
        .set("value", json.convertValue(status, JsonNode.class));
    client
        .resources(type)
        .inNamespace(key.namespace())
        .withName(key.name())
        .subresource("status")
        .patch(JSON_PATCH, json.asJson(patch));
  }

  @Override
  public <T extends HasMetadata> void mergeStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.set("status", json.convertValue(fields, JsonNode.class));
    client
        .resources(type)
        .inNamespace(key.namespace())
        .withName(key.name())
        .subresource("status")
        .patch(MERGE, json.asJson(body));
  }

  @Override
  public <T extends HasMetadata> void replaceStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields) {
    // JSON Patch: "add" of a member replaces it whole (a list too) or adds it; /status must exist
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    for (Map.Entry<String, Object> f : fields.entrySet()) {
      patch
          .addObject()
          .put("op", "add")
          .put("path", "/status/" + f.getKey())
          .set("value", json.convertValue(f.getValue(), JsonNode.class));
    }
    client
        .resources(type)
        .inNamespace(key.namespace())
        .withName(key.name())
        .subresource("status")
        .patch(JSON_PATCH, json.asJson(patch));
  }

  @Override
  public <T extends HasMetadata> void patchMetadata(
      Class<T> type, ObjectKey key, Map<String, String> labels, Map<String, String> annotations) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode meta = body.putObject("metadata");
    if (labels != null && !labels.isEmpty()) {
      meta.set("labels", json.convertValue(labels, JsonNode.class));
    }
    if (annotations != null && !annotations.isEmpty()) {
      meta.set("annotations", json.convertValue(annotations, JsonNode.class));
    }
    client
        .resources(type)
        .inNamespace(key.namespace())
        .withName(key.name())
        .patch(MERGE, json.asJson(body));
  }

  @Override
  public <T extends HasMetadata> void delete(Class<T> type, ObjectKey key) {
    client.resources(type).inNamespace(key.namespace()).withName(key.name()).delete();
  }
}
