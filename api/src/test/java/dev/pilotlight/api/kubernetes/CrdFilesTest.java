package dev.pilotlight.api.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.api.model.ConfigurationSpec;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.ServiceSpec;
import dev.pilotlight.api.validation.Validator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files of {@code crds/} against the Java types the components read and write: names, scope,
 * subresources, printer columns, rules, and schemas that admit exactly what the types hold.
 */
class CrdFilesTest {

  static Stream<Class<? extends CustomResource<?, ?>>> resourceTypes() {
    return Stream.of(
        ServiceResource.class,
        ConfigurationResource.class,
        RouteResource.class,
        RevisionResource.class,
        PodAutoscalerResource.class);
  }

  private static CrdSchema crdOf(Class<?> type) {
    String name = CustomResource.getCRDName(type);
    return CrdSchema.all().stream()
        .filter(c -> c.crd.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no CRD named " + name + " in crds/"));
  }

  @Test
  void crdsFolderHoldsOneParsableCrdPerResourceType_namedGroupUnderscorePlural() {
    List<CrdSchema> all = CrdSchema.all();
    assertThat(all).hasSize(5);
    for (CrdSchema c : all) {
      assertThat(c.crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
      assertThat(c.crd.getKind()).isEqualTo("CustomResourceDefinition");
      assertThat(c.file.getFileName().toString())
          .isEqualTo(
              c.crd.getSpec().getGroup() + "_" + c.crd.getSpec().getNames().getPlural() + ".yaml");
      assertThat(unknownFields(c.crd, "")).as(c.file + ": fields fabric8 does not know").isEmpty();
    }
    assertThat(all.stream().map(c -> c.crd.getMetadata().getName()))
        .containsExactlyInAnyOrderElementsOf(
            resourceTypes().map(CustomResource::getCRDName).toList());
  }

  @ParameterizedTest
  @MethodSource("resourceTypes")
  void crdMatchesItsJavaType(Class<? extends CustomResource<?, ?>> type) {
    CrdSchema c = crdOf(type);
    var spec = c.crd.getSpec();
    assertThat(spec.getGroup()).isEqualTo(HasMetadata.getGroup(type));
    assertThat(spec.getNames().getKind()).isEqualTo(HasMetadata.getKind(type));
    assertThat(spec.getNames().getPlural()).isEqualTo(HasMetadata.getPlural(type));
    assertThat(spec.getNames().getSingular()).isEqualTo(HasMetadata.getSingular(type));
    assertThat(spec.getNames().getListKind()).isEqualTo(HasMetadata.getKind(type) + "List");
    assertThat(spec.getScope())
        .isEqualTo(Namespaced.class.isAssignableFrom(type) ? "Namespaced" : "Cluster");
    assertThat(spec.getVersions()).hasSize(1);
    CustomResourceDefinitionVersion v = spec.getVersions().get(0);
    assertThat(v.getName()).isEqualTo(HasMetadata.getVersion(type));
    assertThat(v.getServed()).isTrue();
    assertThat(v.getStorage()).isTrue();
    assertThat(v.getSubresources() != null && v.getSubresources().getStatus() != null)
        .as("status subresource, as the Java type has a status")
        .isEqualTo(typeArgument(type, 1) != Void.class);
    assertThat(c.apiVersion()).isEqualTo(HasMetadata.getApiVersion(type));
  }

  @ParameterizedTest
  @MethodSource("resourceTypes")
  void schemaIsStructural(Class<?> type) {
    assertThat(StructuralSchema.problems(crdOf(type).openApi)).isEmpty();
  }

  @Test
  void structuralCheckRefusesWhatTheApiServerRefuses() {
    JsonNode bad =
        Serialization.unmarshal(
            """
            {"type": "object", "properties": {
              "a": {"properties": {"b": {"type": "string"}}},
              "c": {"type": "array"},
              "d": {"type": "string", "x-kubernetes-int-or-string": true},
              "e": {"type": "object", "uniqueItems": true},
              "f": {"type": "integer", "x-kubernetes-validations": [{"rule": "self > 0"}]}}}
            """,
            JsonNode.class);
    assertThat(StructuralSchema.problems(bad))
        .containsExactlyInAnyOrder(
            "a: type is required",
            "a: properties need type object",
            "c: an array needs items",
            "d: x-kubernetes-int-or-string must not have a type",
            "e: keyword uniqueItems is not allowed in a CRD schema",
            "f: rule self > 0 has no message");
  }

  static Stream<Arguments> printerColumns() {
    String ready = ".status.conditions[?(@.type=='Ready')].status";
    String reason = ".status.conditions[?(@.type=='Ready')].reason";
    String age = ".metadata.creationTimestamp";
    return Stream.of(
        Arguments.of(
            ServiceResource.class,
            columns(
                "URL",
                ".status.url",
                "LatestCreated",
                ".status.latestCreatedRevisionName",
                "LatestReady",
                ".status.latestReadyRevisionName",
                "Ready",
                ready,
                "Reason",
                reason,
                "Age",
                age)),
        Arguments.of(
            ConfigurationResource.class,
            columns(
                "LatestCreated", ".status.latestCreatedRevisionName",
                "LatestReady", ".status.latestReadyRevisionName",
                "Ready", ready,
                "Reason", reason,
                "Age", age)),
        Arguments.of(
            RouteResource.class,
            columns("URL", ".status.url", "Ready", ready, "Reason", reason, "Age", age)),
        Arguments.of(
            RevisionResource.class,
            columns(
                "Config Name", ".metadata.labels['serving\\.knative\\.dev/configuration']",
                "Generation", ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']",
                "Ready", ready,
                "Reason", reason,
                "Actual Replicas", ".status.actualReplicas",
                "Desired Replicas", ".status.desiredReplicas",
                "Reserve", ".status.reserve.ready",
                "Age", age)),
        Arguments.of(
            PodAutoscalerResource.class,
            columns(
                "DesiredScale",
                ".status.desiredScale",
                "ActualScale",
                ".status.actualScale",
                "Ready",
                ready,
                "Reason",
                reason,
                "Reachability",
                ".spec.reachability",
                "Age",
                age)));
  }

  private static Map<String, String> columns(String... nameAndPath) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameAndPath.length; i += 2) {
      m.put(nameAndPath[i], nameAndPath[i + 1]);
    }
    return m;
  }

  @ParameterizedTest
  @MethodSource("printerColumns")
  void printerColumnsShowKnativesColumnsAndPointAtFieldsTheSchemaHas(
      Class<?> type, Map<String, String> expected) {
    CrdSchema c = crdOf(type);
    List<CustomResourceColumnDefinition> cols =
        c.crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    Map<String, String> actual = new LinkedHashMap<>();
    cols.forEach(col -> actual.put(col.getName(), col.getJsonPath()));
    assertThat(actual).containsExactlyEntriesOf(expected);
    for (CustomResourceColumnDefinition col : cols) {
      String path = col.getJsonPath();
      if (path.startsWith(".metadata.")) {
        continue; // Kubernetes' own ObjectMeta
      }
      // .status.conditions[?(...)].status -> status.conditions[].status
      String fields = path.substring(1).replaceAll("\\[\\?\\(.*?\\)\\]", "[]");
      JsonNode field = schemaAt(c.openApi, fields);
      assertThat(field).as(type.getSimpleName() + " column " + col.getName()).isNotNull();
      String fieldType = field.path("type").asText();
      assertThat(col.getType())
          .as(col.getName())
          .isEqualTo(fieldType.equals("array") ? "string" : fieldType);
    }
  }

  /** The schema node of a dotted path with {@code []} for array items, or null. */
  private static JsonNode schemaAt(JsonNode schema, String dotted) {
    JsonNode n = schema;
    for (String part : dotted.split("\\.")) {
      boolean items = part.endsWith("[]");
      n = n.path("properties").path(items ? part.substring(0, part.length() - 2) : part);
      if (items) {
        n = n.path("items");
      }
      if (n.isMissingNode()) {
        return null;
      }
    }
    return n;
  }

  static Stream<Arguments> names() {
    return Stream.of(
        Arguments.of(ServiceResource.class, "plsvc", List.of("all", "pilotlight")),
        Arguments.of(ConfigurationResource.class, "plcfg", List.of("all", "pilotlight")),
        Arguments.of(RouteResource.class, "plrt", List.of("all", "pilotlight")),
        Arguments.of(RevisionResource.class, "plrev", List.of("all", "pilotlight")),
        Arguments.of(PodAutoscalerResource.class, "plpa", List.of("pilotlight")));
  }

  /** Knative Serving's short names, and core ones a user types every day. */
  private static final Set<String> TAKEN =
      Set.of("ksvc", "kservice", "config", "cfg", "rev", "rt", "kpa", "pa", "svc", "po", "deploy");

  @ParameterizedTest
  @MethodSource("names")
  void shortNameIsOursAndCategoriesGroupThem(Class<?> type, String shortName, List<String> cats) {
    var names = crdOf(type).crd.getSpec().getNames();
    assertThat(names.getShortNames()).containsExactly(shortName);
    assertThat(TAKEN).doesNotContain(shortName);
    assertThat(names.getCategories()).containsExactlyElementsOf(cats);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(
            ServiceResource.class, "spec.traffic", "traffic percents must sum to exactly 100"),
        Arguments.of(ServiceResource.class, "spec.traffic", "traffic tags must be unique"),
        Arguments.of(ServiceResource.class, "spec.traffic[]", "configurationName is for Routes"),
        Arguments.of(
            ServiceResource.class,
            "spec.traffic[]",
            "latestRevision: true takes no revisionName, latestRevision: false needs one"),
        Arguments.of(ServiceResource.class, "", "metadata.name must be a DNS-1035 label"),
        Arguments.of(ServiceResource.class, "", "spec.template.metadata.name names the revision"),
        Arguments.of(
            ServiceResource.class,
            "spec.template.spec",
            "responseStartTimeoutSeconds must be at most"),
        Arguments.of(
            ServiceResource.class, "spec.template.spec", "idleTimeoutSeconds must be at most"),
        Arguments.of(ConfigurationResource.class, "", "metadata.name must be a DNS-1035 label"),
        Arguments.of(
            ConfigurationResource.class, "", "spec.template.metadata.name names the revision"),
        Arguments.of(
            ConfigurationResource.class,
            "spec.template.spec",
            "idleTimeoutSeconds must be at most"),
        Arguments.of(
            RouteResource.class, "spec.traffic", "traffic percents must sum to exactly 100"),
        Arguments.of(RouteResource.class, "spec.traffic", "traffic tags must be unique"),
        Arguments.of(
            RouteResource.class, "spec.traffic[]", "a traffic target names exactly one of"),
        Arguments.of(
            RouteResource.class, "spec.traffic[]", "latestRevision: true needs configurationName"),
        Arguments.of(
            RouteResource.class, "spec.traffic[]", "latestRevision: false needs revisionName"),
        Arguments.of(RouteResource.class, "", "metadata.name must be a DNS-1035 label"),
        Arguments.of(RevisionResource.class, "spec", "spec is immutable"),
        Arguments.of(
            RevisionResource.class, "spec", "responseStartTimeoutSeconds must be at most"));
  }

  @ParameterizedTest
  @MethodSource("rules")
  void celRuleIsInPlaceWithItsMessage(Class<?> type, String path, String messageStart) {
    assertThat(crdOf(type).rules.rules())
        .as(type.getSimpleName() + " rules at " + path)
        .anySatisfy(
            r -> {
              assertThat(r.path()).isEqualTo(path);
              assertThat(r.message()).startsWith(messageStart);
            });
  }

  @Test
  void sharedPartsAreTheSameInEveryCrd() {
    JsonNode serviceTemplate = schemaAt(crdOf(ServiceResource.class).openApi, "spec.template");
    JsonNode configTemplate = schemaAt(crdOf(ConfigurationResource.class).openApi, "spec.template");
    assertThat(configTemplate).isEqualTo(serviceTemplate);
    ObjectNode revisionSpec =
        (ObjectNode)
            crdOf(RevisionResource.class).openApi.path("properties").path("spec").deepCopy();
    // the Revision's spec is the template's spec plus immutability
    JsonNode rules = revisionSpec.get("x-kubernetes-validations");
    ((com.fasterxml.jackson.databind.node.ArrayNode) rules).remove(rules.size() - 1);
    assertThat(revisionSpec).isEqualTo(serviceTemplate.path("properties").path("spec"));

    JsonNode serviceTarget =
        withoutRules(schemaAt(crdOf(ServiceResource.class).openApi, "spec.traffic[]"));
    JsonNode routeTarget =
        withoutRules(schemaAt(crdOf(RouteResource.class).openApi, "spec.traffic[]"));
    ((ObjectNode) serviceTarget.path("properties").path("latestRevision")).remove("description");
    ((ObjectNode) routeTarget.path("properties").path("latestRevision")).remove("description");
    assertThat(routeTarget).isEqualTo(serviceTarget);

    JsonNode conditions = schemaAt(crdOf(ServiceResource.class).openApi, "status.conditions");
    resourceTypes()
        .forEach(
            t ->
                assertThat(schemaAt(crdOf(t).openApi, "status.conditions"))
                    .as(t.getSimpleName())
                    .isEqualTo(conditions));
  }

  private static JsonNode withoutRules(JsonNode n) {
    ObjectNode copy = n.deepCopy();
    copy.remove("x-kubernetes-validations");
    return copy;
  }

  /**
   * fabric8's own mapper, but refusing unknown fields: the records say which fields they know and
   * which they deliberately ignore, and this holds the schema to that list.
   */
  private static final KubernetesSerialization STRICT =
      new KubernetesSerialization(
          new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES), true);

  /**
   * Whatever the schema admits, the components can read: the fullest object the schema describes
   * (every property, every list with an item) deserializes into the Java type, no field unknown to
   * it and none of another type.
   */
  @ParameterizedTest
  @MethodSource("resourceTypes")
  void theFullestObjectTheSchemaAdmitsReadsIntoTheJavaType(
      Class<? extends CustomResource<?, ?>> type) {
    CrdSchema c = crdOf(type);
    CustomResource<?, ?> read = STRICT.unmarshal(fullestObject(c).toString(), type);
    assertThat(read.getSpec()).isNotNull();
    assertThat(unknownFields(read.getSpec(), "spec")).isEmpty();
    assertThat(read.getStatus()).isNotNull();
  }

  @Test
  void fullestObjectCheckFailsForAFieldTheJavaTypeDoesNotKnowOrReadsAsAnotherType() {
    // a pod spec keeps a field Kubernetes does not know in fabric8's additional properties, where
    // the validator finds it
    ObjectNode unknown = fullestObject(crdOf(RevisionResource.class));
    ((ObjectNode) unknown.get("spec")).put("bogusField", true);
    RevisionResource read = STRICT.unmarshal(unknown.toString(), RevisionResource.class);
    assertThat(unknownFields(read.getSpec().podSpec(), "spec")).containsExactly("spec.bogusField");
    ObjectNode mistyped = fullestObject(crdOf(RouteResource.class));
    ((ObjectNode) mistyped.at("/spec/traffic/0")).put("percent", "all");
    assertThatThrownBy(() -> STRICT.unmarshal(mistyped.toString(), RouteResource.class))
        .rootCause()
        .hasMessageContaining("\"all\"");
  }

  private static ObjectNode fullestObject(CrdSchema c) {
    ObjectNode object = (ObjectNode) fullest(c.openApi);
    object.put("apiVersion", c.apiVersion());
    object.put("kind", c.kind());
    object.putObject("metadata").put("name", "x");
    return object;
  }

  private static JsonNode fullest(JsonNode s) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return f.numberNode(1);
    }
    switch (s.path("type").asText()) {
      case "object" -> {
        ObjectNode o = f.objectNode();
        s.path("properties")
            .fields()
            .forEachRemaining(e -> o.set(e.getKey(), fullest(e.getValue())));
        if (s.path("additionalProperties").isObject()) {
          o.set("key", fullest(s.path("additionalProperties")));
        }
        return o;
      }
      case "array" -> {
        return f.arrayNode().add(fullest(s.path("items")));
      }
      case "integer" -> {
        return f.numberNode(s.path("minimum").asLong(1));
      }
      case "boolean" -> {
        return f.booleanNode(true);
      }
      default -> {
        if (s.has("enum")) {
          return s.get("enum").get(s.get("enum").size() - 1);
        }
        return f.textNode(
            "date-time".equals(s.path("format").asText()) ? "2026-01-01T00:00:00Z" : "x");
      }
    }
  }

  /**
   * Whatever the Java types hold, the schema keeps: every record component of a spec or status has
   * its property (a field the schema lacked would be pruned by the API server on every write).
   */
  @ParameterizedTest
  @MethodSource("resourceTypes")
  void everyFieldOfTheJavaTypeHasItsProperty(Class<? extends CustomResource<?, ?>> type) {
    CrdSchema c = crdOf(type);
    List<String> missing = new ArrayList<>();
    covered(typeArgument(type, 0), c.openApi.path("properties").path("spec"), "spec", missing);
    covered(typeArgument(type, 1), c.openApi.path("properties").path("status"), "status", missing);
    assertThat(missing).isEmpty();
  }

  /**
   * A revision template's metadata is Knative's (name, labels, annotations); the local model's
   * ObjectMeta also has namespace and generation, which a template never sets.
   */
  private static final Set<String> NOT_IN_SCHEMA =
      Set.of("spec.template.metadata.namespace", "spec.template.metadata.generation");

  private static void covered(Type javaType, JsonNode schema, String path, List<String> missing) {
    if (schema.isMissingNode()) {
      if (!NOT_IN_SCHEMA.contains(path)) {
        missing.add(path);
      }
      return;
    }
    if (javaType instanceof ParameterizedType p && p.getRawType() == List.class) {
      covered(p.getActualTypeArguments()[0], schema.path("items"), path + "[]", missing);
      return;
    }
    if (javaType == RevisionSpec.class) {
      // Knative's RevisionSpec: the pod spec's fields inline, next to Knative's own
      List<String> fields = new ArrayList<>(Validator.templatePodSpecFields());
      fields.addAll(
          List.of(
              "containerConcurrency",
              "timeoutSeconds",
              "responseStartTimeoutSeconds",
              "idleTimeoutSeconds"));
      for (String f : fields) {
        if (schema.path("properties").path(f).isMissingNode()) {
          missing.add(path + "." + f);
        }
      }
      return;
    }
    if (javaType instanceof Class<?> cls && cls.isRecord()) {
      for (RecordComponent rc : cls.getRecordComponents()) {
        covered(
            rc.getGenericType(),
            schema.path("properties").path(rc.getName()),
            path + "." + rc.getName(),
            missing);
      }
    }
  }

  private static Type typeArgument(Class<?> type, int i) {
    return ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments()[i];
  }

  /** Paths of fields fabric8 kept as additional properties: names its model does not know. */
  static List<String> unknownFields(Object o, String path) {
    List<String> out = new ArrayList<>();
    if (o instanceof RevisionSpec spec) {
      return unknownFields(spec.podSpec(), path);
    }
    if (o instanceof ServiceSpec spec) {
      return spec.template() == null
          ? out
          : unknownFields(spec.template().spec(), path + ".template.spec");
    }
    if (o instanceof ConfigurationSpec spec) {
      return spec.template() == null
          ? out
          : unknownFields(spec.template().spec(), path + ".template.spec");
    }
    if (o instanceof KubernetesResource r) {
      try {
        Object extra = r.getClass().getMethod("getAdditionalProperties").invoke(r);
        if (extra instanceof Map<?, ?> m) {
          m.keySet().forEach(k -> out.add(path + "." + k));
        }
        for (var m : r.getClass().getMethods()) {
          if (m.getName().startsWith("get")
              && m.getParameterCount() == 0
              && !m.getName().equals("getAdditionalProperties")
              && m.getDeclaringClass()
                  .getPackageName()
                  .startsWith("io.fabric8.kubernetes.api.model")
              && !m.getDeclaringClass().equals(Object.class)) {
            Object v = m.invoke(r);
            out.addAll(unknownFields(v, path + "." + m.getName().substring(3)));
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    } else if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        out.addAll(unknownFields(list.get(i), path + "[" + i + "]"));
      }
    } else if (o instanceof Map<?, ?> map) {
      for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<?, ?> e = it.next();
        out.addAll(unknownFields(e.getValue(), path + "[" + e.getKey() + "]"));
      }
    }
    return out;
  }
}
