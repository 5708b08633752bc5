package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.ConfigObject;
import dev.pilotlight.api.model.Revision;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure resolution of a container's environment as the kubelet makes it at container start: {@code
 * envFrom} first ({@code configMapRef}/{@code secretRef}, each key with the {@code prefix}; a later
 * source over an earlier), then {@code env} in order over it, each {@code value} expanded ({@code
 * $(VAR)}) against what is set before it, {@code valueFrom} read from a ConfigMap or Secret key or
 * a field of the instance ({@link Fields}). A ConfigMap, Secret or key that is missing and not
 * {@code optional} is a {@link ConfigError} with the kubelet's message ({@code configmap "x" not
 * found}, {@code couldn't find key k in Secret ns/x}); an optional one is skipped. Keys of an
 * {@code envFrom} source that are not environment variable names are skipped and named in the
 * warnings, as the kubelet skips them with an event.
 */
final class EnvResolver {
  private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
  private static final Pattern SUBSCRIPT =
      Pattern.compile("metadata\\.(labels|annotations)\\['([^']*)'\\]");

  private EnvResolver() {}

  /**
   * A missing ConfigMap, Secret or key: the container cannot be made (CreateContainerConfigError).
   */
  static final class ConfigError extends RuntimeException {
    ConfigError(String message) {
      super(message);
    }

    /** Kubernetes' reason for it. */
    static final String REASON = "CreateContainerConfigError";
  }

  /**
   * What {@code fieldRef} reads of an instance: {@code metadata.name} (the instance id), {@code
   * metadata.namespace}, {@code metadata.uid}, {@code metadata.labels['k']}, {@code
   * metadata.annotations['k']}, {@code spec.nodeName} (this machine's name), {@code
   * spec.serviceAccountName}, {@code status.podIP(s)} and {@code status.hostIP(s)} (the loopback
   * address the gateway reaches the instance on).
   */
  record Fields(
      String name,
      String namespace,
      String uid,
      Map<String, String> labels,
      Map<String, String> annotations,
      String nodeName,
      String serviceAccountName,
      String ip) {

    /**
     * An instance's fields: its pod's labels are the template's with Knative's revision,
     * configuration and service labels, as on Kubernetes.
     */
    static Fields of(Revision revision, String instanceId, String nodeName) {
      Map<String, String> labels = new LinkedHashMap<>(revision.labels());
      labels.put("serving.knative.dev/revision", revision.name());
      labels.put("serving.knative.dev/configuration", revision.configuration());
      if (revision.service() != null) {
        labels.put("serving.knative.dev/service", revision.service());
      }
      String sa = revision.spec().podSpec().getServiceAccountName();
      return new Fields(
          instanceId,
          revision.namespace(),
          UUID.nameUUIDFromBytes(
                  (revision.namespace() + "/" + instanceId).getBytes(StandardCharsets.UTF_8))
              .toString(),
          labels,
          revision.annotations(),
          nodeName,
          sa == null || sa.isEmpty() ? "default" : sa,
          "127.0.0.1");
    }

    /** The fieldPaths {@link #value} answers. */
    static boolean supported(String path) {
      return path != null && (SIMPLE.contains(path) || SUBSCRIPT.matcher(path).matches());
    }

    private static final List<String> SIMPLE =
        List.of(
            "metadata.name",
            "metadata.namespace",
            "metadata.uid",
            "spec.nodeName",
            "spec.serviceAccountName",
            "status.podIP",
            "status.podIPs",
            "status.hostIP",
            "status.hostIPs");

    String value(String path) {
      switch (path) {
        case "metadata.name":
          return name;
        case "metadata.namespace":
          return namespace;
        case "metadata.uid":
          return uid;
        case "spec.nodeName":
          return nodeName;
        case "spec.serviceAccountName":
          return serviceAccountName;
        case "status.podIP", "status.podIPs", "status.hostIP", "status.hostIPs":
          return ip;
        default:
          Matcher m = SUBSCRIPT.matcher(path);
          if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? labels : annotations;
            return map.getOrDefault(m.group(2), "");
          }
          throw new ConfigError("unsupported fieldPath " + path);
      }
    }
  }

  /** Where values come from. */
  record Sources(Function<ConfigObject.Key, Optional<ConfigObject>> objects, Fields fields) {
    /** No ConfigMap or Secret; the instance's fields. */
    static Sources none(Revision revision, String instanceId) {
      return new Sources(k -> Optional.empty(), Fields.of(revision, instanceId, "localhost"));
    }
  }

  /** The user's variables in the order set, and what was skipped. */
  record Resolved(Map<String, String> env, List<String> warnings) {}

  /**
   * @param namespace the revision's, where its ConfigMaps and Secrets are looked up
   * @param base what {@code $(VAR)} may also refer to (a host process's inherited environment)
   */
  static Resolved resolve(
      Container c, String namespace, Map<String, String> base, Sources sources) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    if (c.getEnvFrom() != null) {
      for (EnvFromSource from : c.getEnvFrom()) {
        ConfigObject.Kind kind;
        String name;
        boolean optional;
        if (from.getConfigMapRef() != null) {
          kind = ConfigObject.Kind.CONFIG_MAP;
          name = from.getConfigMapRef().getName();
          optional = Boolean.TRUE.equals(from.getConfigMapRef().getOptional());
        } else if (from.getSecretRef() != null) {
          kind = ConfigObject.Kind.SECRET;
          name = from.getSecretRef().getName();
          optional = Boolean.TRUE.equals(from.getSecretRef().getOptional());
        } else {
          continue;
        }
        Optional<ConfigObject> o =
            sources.objects().apply(new ConfigObject.Key(kind, namespace, name));
        if (o.isEmpty()) {
          if (optional) {
            continue;
          }
          throw notFound(kind, name);
        }
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        List<String> invalid = new ArrayList<>();
        for (String k : o.get().keys()) {
          String var = prefix + k;
          if (!ENV_NAME.matcher(var).matches()) {
            invalid.add(k);
            continue;
          }
          env.put(var, text(o.get().value(k)));
        }
        if (!invalid.isEmpty()) {
          warnings.add(
              "keys "
                  + invalid
                  + " of "
                  + kind.kind()
                  + " "
                  + namespace
                  + "/"
                  + name
                  + " skipped: not environment variable names (InvalidEnvironmentVariableNames)");
        }
      }
    }
    if (c.getEnv() != null) {
      for (EnvVar e : c.getEnv()) {
        EnvVarSource from = e.getValueFrom();
        if (from == null) {
          Map<String, String> vars = new LinkedHashMap<>(base);
          vars.putAll(env);
          env.put(e.getName(), ProcessSpecs.expand(e.getValue() == null ? "" : e.getValue(), vars));
          continue;
        }
        String value = valueFrom(from, namespace, sources);
        if (value != null) {
          env.put(e.getName(), value);
        }
      }
    }
    return new Resolved(env, List.copyOf(warnings));
  }

  /** The value, or null for an optional source that is missing (the variable is not set). */
  private static String valueFrom(EnvVarSource from, String namespace, Sources sources) {
    if (from.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector s = from.getConfigMapKeyRef();
      return key(
          ConfigObject.Kind.CONFIG_MAP,
          s.getName(),
          s.getKey(),
          Boolean.TRUE.equals(s.getOptional()),
          namespace,
          sources);
    }
    if (from.getSecretKeyRef() != null) {
      SecretKeySelector s = from.getSecretKeyRef();
      return key(
          ConfigObject.Kind.SECRET,
          s.getName(),
          s.getKey(),
          Boolean.TRUE.equals(s.getOptional()),
          namespace,
          sources);
    }
    if (from.getFieldRef() != null) {
      return sources.fields().value(from.getFieldRef().getFieldPath());
    }
    // validation refuses the rest in local mode
    throw new ConfigError("unsupported valueFrom " + from);
  }

  private static String key(
      ConfigObject.Kind kind,
      String name,
      String key,
      boolean optional,
      String namespace,
      Sources sources) {
    Optional<ConfigObject> o = sources.objects().apply(new ConfigObject.Key(kind, namespace, name));
    if (o.isEmpty()) {
      if (optional) {
        return null;
      }
      throw notFound(kind, name);
    }
    byte[] value = o.get().value(key);
    if (value == null) {
      if (optional) {
        return null;
      }
      throw new ConfigError(
          "couldn't find key " + key + " in " + kind.kind() + " " + namespace + "/" + name);
    }
    return text(value);
  }

  static ConfigError notFound(ConfigObject.Kind kind, String name) {
    return new ConfigError(kind.lower() + " \"" + name + "\" not found");
  }

  private static String text(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
