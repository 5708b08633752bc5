package dev.pilotlight.api.validation;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.api.config.Features;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Knative's field masks ({@code pkg/apis/serving/fieldmask.go}) as a table: for each Kubernetes
 * type a revision template may hold, the fields Knative allows, those it allows only behind a
 * config-features flag, and (by omission) those it refuses. Walks the template's pod spec as JSON
 * and also refuses every field the Kubernetes type itself does not have (fabric8 would keep it in
 * its additional properties): nothing a user wrote is dropped unnoticed.
 */
final class FieldMask {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final Map<Class<?>, Map<String, JavaType>> PROPERTIES = new ConcurrentHashMap<>();

  /** A field's rule: null when allowed, else the expectation it breaks. */
  @FunctionalInterface
  interface Rule {
    String check(JsonNode value, Features features);
  }

  private static final Rule ALLOW = (v, f) -> null;

  private static Rule flag(String key) {
    return (v, f) ->
        f.notDisabled(key) ? null : "not set unless config-features " + key + " is enabled";
  }

  private static Rule onlyFalse() {
    return (v, f) -> v.isBoolean() && !v.booleanValue() ? null : "false or not set";
  }

  private static final Map<Class<?>, Map<String, Rule>> MASKS = masks();

  private static Map<Class<?>, Map<String, Rule>> masks() {
    Map<Class<?>, Map<String, Rule>> m = new LinkedHashMap<>();
    Map<String, Rule> pod = new LinkedHashMap<>();
    for (String k : List.of("serviceAccountName", "containers", "volumes", "imagePullSecrets")) {
      pod.put(k, ALLOW);
    }
    pod.put("enableServiceLinks", ALLOW);
    pod.put("automountServiceAccountToken", onlyFalse());
    pod.put("affinity", flag(Features.AFFINITY));
    pod.put("topologySpreadConstraints", flag(Features.TOPOLOGY_SPREAD));
    pod.put("hostAliases", flag(Features.HOST_ALIASES));
    pod.put("nodeSelector", flag(Features.NODE_SELECTOR));
    pod.put("runtimeClassName", flag(Features.RUNTIME_CLASS_NAME));
    pod.put("tolerations", flag(Features.TOLERATIONS));
    pod.put(
        "securityContext",
        (v, f) ->
            f.notDisabled(Features.SECURITY_CONTEXT) || f.notDisabled(Features.SECURE_POD_DEFAULTS)
                ? null
                : "not set unless config-features " + Features.SECURITY_CONTEXT + " is enabled");
    pod.put("shareProcessNamespace", flag(Features.SHARE_PROCESS_NAMESPACE));
    pod.put("priorityClassName", flag(Features.PRIORITY_CLASS_NAME));
    pod.put("schedulerName", flag(Features.SCHEDULER_NAME));
    pod.put("initContainers", flag(Features.INIT_CONTAINERS));
    pod.put("dnsPolicy", flag(Features.DNS_POLICY));
    pod.put("dnsConfig", flag(Features.DNS_CONFIG));
    pod.put("hostIPC", flag(Features.HOST_IPC));
    pod.put("hostPID", flag(Features.HOST_PID));
    pod.put("hostNetwork", flag(Features.HOST_NETWORK));
    m.put(PodSpec.class, pod);

    m.put(
        Container.class,
        allow(
            "name",
            "args",
            "command",
            "env",
            "workingDir",
            "envFrom",
            "image",
            "imagePullPolicy",
            "livenessProbe",
            "ports",
            "readinessProbe",
            "resources",
            "securityContext",
            "startupProbe",
            "terminationMessagePath",
            "terminationMessagePolicy",
            "volumeMounts"));

    Map<String, Rule> volume = allow("name", "secret", "configMap", "projected");
    volume.put("emptyDir", flag(Features.EMPTY_DIR));
    volume.put("persistentVolumeClaim", flag(Features.PVC));
    volume.put("hostPath", flag(Features.HOST_PATH));
    volume.put("csi", flag(Features.CSI));
    volume.put("ephemeral", flag(Features.EPHEMERAL));
    volume.put("image", flag(Features.IMAGE_VOLUMES));
    m.put(Volume.class, volume);

    m.put(
        VolumeProjection.class, allow("secret", "configMap", "serviceAccountToken", "downwardAPI"));

    Map<String, Rule> mount = allow("name", "readOnly", "mountPath", "subPath");
    mount.put("mountPropagation", flag(Features.MOUNT_PROPAGATION));
    m.put(VolumeMount.class, mount);

    m.put(ContainerPort.class, allow("containerPort", "name", "protocol"));

    Map<String, Rule> envSource = allow("configMapKeyRef", "secretKeyRef");
    envSource.put("fieldRef", flag(Features.FIELD_REF));
    envSource.put("resourceFieldRef", flag(Features.FIELD_REF));
    m.put(EnvVarSource.class, envSource);

    m.put(ResourceRequirements.class, allow("limits", "requests"));

    Map<String, Rule> psc = new LinkedHashMap<>();
    for (String k :
        List.of("runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "supplementalGroups")) {
      psc.put(k, flag(Features.SECURITY_CONTEXT));
    }
    psc.put(
        "seccompProfile",
        (v, f) -> {
          if (f.notDisabled(Features.SECURITY_CONTEXT)) {
            return null;
          }
          String type = v.path("type").asText("");
          return f.enabled(Features.SECURE_POD_DEFAULTS)
                  && (type.equals("RuntimeDefault") || type.equals("Unconfined"))
                  && v.size() == 1
              ? null
              : "not set unless config-features " + Features.SECURITY_CONTEXT + " is enabled";
        });
    m.put(PodSecurityContext.class, psc);

    Map<String, Rule> sc =
        allow(
            "capabilities",
            "readOnlyRootFilesystem",
            "runAsUser",
            "runAsGroup",
            "runAsNonRoot",
            "allowPrivilegeEscalation",
            "seccompProfile");
    sc.put("privileged", onlyFalse());
    m.put(SecurityContext.class, sc);

    Map<String, Rule> caps = allow("drop");
    caps.put(
        "add",
        (v, f) -> {
          if (f.enabled(Features.ADD_CAPABILITIES)) {
            return null;
          }
          if (f.enabled(Features.SECURE_POD_DEFAULTS)
              && v.isArray()
              && v.size() == 1
              && v.get(0).asText().equals("NET_BIND_SERVICE")) {
            return null;
          }
          return "not set unless config-features " + Features.ADD_CAPABILITIES + " is enabled";
        });
    m.put(Capabilities.class, caps);
    return Map.copyOf(m);
  }

  private static Map<String, Rule> allow(String... fields) {
    Map<String, Rule> m = new LinkedHashMap<>();
    for (String f : fields) {
      m.put(f, ALLOW);
    }
    return m;
  }

  private FieldMask() {}

  /** The pod spec fields a template may carry, some only behind a feature flag. */
  static java.util.Set<String> podSpecFields() {
    return MASKS.get(PodSpec.class).keySet();
  }

  /** Checks the pod spec's JSON (its fields inline at {@code path}) against the masks. */
  static void checkPodSpec(JsonNode pod, String path, Features features, List<Violation> v) {
    walk(pod, PodSpec.class, path, features, v);
  }

  /** The JSON of a fabric8 object as written, additional properties included. */
  static JsonNode tree(Object fabric8) {
    return MAPPER.valueToTree(fabric8);
  }

  private static void walk(
      JsonNode node, Class<?> type, String path, Features features, List<Violation> v) {
    if (node == null || !node.isObject()) {
      return;
    }
    Map<String, JavaType> props = properties(type);
    Map<String, Rule> mask = MASKS.get(type);
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode value = e.getValue();
      String at = path.isEmpty() ? key : path + "." + key;
      JavaType t = props.get(key);
      if (t == null) {
        v.add(
            new Violation(
                at,
                "unknown field (expected: a field of Kubernetes' " + type.getSimpleName() + ")"));
        continue;
      }
      if (value == null || value.isNull()) {
        continue;
      }
      if (mask != null) {
        Rule rule = mask.get(key);
        String broken =
            rule == null
                ? "not set: Knative does not allow "
                    + type.getSimpleName()
                    + "."
                    + key
                    + " in a revision template"
                : rule.check(value, features);
        if (broken != null) {
          v.add(new Violation(at, show(value) + " (expected: " + broken + ")"));
          continue;
        }
      }
      descend(value, t, at, features, v);
    }
  }

  private static void descend(
      JsonNode value, JavaType t, String at, Features features, List<Violation> v) {
    if (t.isCollectionLikeType() || t.isArrayType()) {
      if (value.isArray()) {
        for (int i = 0; i < value.size(); i++) {
          descend(value.get(i), t.getContentType(), at + "[" + i + "]", features, v);
        }
      }
    } else if (t.isMapLikeType()) {
      if (value.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          descend(e.getValue(), t.getContentType(), at + "[" + e.getKey() + "]", features, v);
        }
      }
    } else if (isModel(t.getRawClass())) {
      walk(value, t.getRawClass(), at, features, v);
    }
  }

  private static boolean isModel(Class<?> c) {
    return c.getName().startsWith("io.fabric8.kubernetes.api.model")
        && c != IntOrString.class
        && c != Quantity.class
        && !c.isEnum();
  }

  private static Map<String, JavaType> properties(Class<?> type) {
    return PROPERTIES.computeIfAbsent(
        type,
        c -> {
          JavaType jt = MAPPER.constructType(c);
          BeanDescription d = MAPPER.getDeserializationConfig().introspect(jt);
          Map<String, JavaType> m = new LinkedHashMap<>();
          for (BeanPropertyDefinition p : d.findProperties()) {
            if (p.getName().equals("additionalProperties")) {
              continue;
            }
            m.put(p.getName(), p.getPrimaryType());
          }
          return Map.copyOf(m);
        });
  }

  /** A short rendering of a value for messages: scalars as written, structures abridged. */
  static String show(JsonNode value) {
    String s = value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
