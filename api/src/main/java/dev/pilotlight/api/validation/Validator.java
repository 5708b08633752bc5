package dev.pilotlight.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.LocalRuntimes;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.RevisionTemplate;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.api.reserve.ReserveAnnotations;
import dev.pilotlight.api.reserve.ReserveSpecs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Knative's validation rules for user-declared resources, as a pure function, plus the rules of
 * where they run: {@link Mode#LOCAL} refuses what the local process runtime cannot honour (a
 * container needs a command; volumes, sidecars, scheduling fields need a container runtime), {@link
 * Mode#KUBERNETES} needs an image. Which pod spec fields a template may carry follows Knative's
 * field masks and config-features; limits follow config-defaults. Messages state the value and what
 * was expected.
 */
public final class Validator {

  /** Where the resources will run. */
  public enum Mode {
    LOCAL,
    KUBERNETES
  }

  /** What validation depends on: the cluster's (or the local run's) Knative ConfigMaps and mode. */
  public record Settings(
      AutoscalerConfig autoscaler, Features features, ServingDefaults defaults, Mode mode) {
    public static Settings of(AutoscalerConfig autoscaler, Mode mode) {
      return new Settings(autoscaler, Features.DEFAULTS, ServingDefaults.DEFAULTS, mode);
    }
  }

  /** Pod spec fields the local runtime honours (the rest need a container runtime). */
  private static final Set<String> LOCAL_POD_FIELDS =
      Set.of("containers", "enableServiceLinks", "automountServiceAccountToken");

  /** Container fields the local runtime honours ({@code image} is used on Kubernetes only). */
  private static final Set<String> LOCAL_CONTAINER_FIELDS =
      Set.of(
          "name",
          "command",
          "args",
          "env",
          "workingDir",
          "ports",
          "readinessProbe",
          "image",
          "imagePullPolicy",
          "envFrom");

  /** Honoured for an instance that runs as a container (limits become cgroup limits). */
  private static final Set<String> LOCAL_CONTAINER_ONLY_FIELDS = Set.of("resources");

  /** Volume sources a local container gets. */
  private static final Set<String> LOCAL_VOLUME_SOURCES =
      Set.of("emptyDir", "configMap", "secret", "projected");

  /** The fieldPaths local mode resolves for {@code env[].valueFrom.fieldRef}. */
  private static final Set<String> LOCAL_FIELD_PATHS =
      Set.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.podIP",
          "status.podIPs",
          "status.hostIP",
          "status.hostIPs");

  private static final java.util.regex.Pattern LOCAL_FIELD_SUBSCRIPT =
      java.util.regex.Pattern.compile("metadata\\.(labels|annotations)\\['[^']*'\\]");

  private static final String NEEDS_CONTAINER =
      "not set on a revision run as a host process (volumes need a container runtime: give the"
          + " container an image and no annotation "
          + LocalRuntimes.ANNOTATION
          + ": process)";

  /**
   * Honoured only by a container runtime (a pod of containers, the engine's security options, its
   * probes): refused for a host process with {@link #NEEDS_ENGINE}.
   */
  private static final Set<String> LOCAL_ENGINE_FIELDS =
      Set.of("securityContext", "livenessProbe", "startupProbe");

  private static final String NEEDS_ENGINE =
      "not set for a host process (no image, or annotation "
          + LocalRuntimes.ANNOTATION
          + ": process): it needs a container runtime (podman or docker)";

  private static final String LOCAL_REFUSAL =
      "not set in local mode, whose processes cannot honour it and whose containers do not yet"
          + " (validate with --mode kubernetes to check it for Kubernetes)";

  private final Supplier<AutoscalerConfig> autoscaler;
  private final Supplier<ServingConfig> serving;
  private final Mode mode;

  public Validator(Settings settings) {
    this(() -> settings.autoscaler(), settings.features(), settings.defaults(), settings.mode());
  }

  /**
   * @param autoscaler the autoscaling config in force, read at every validation (it may change
   *     while a component runs)
   */
  public Validator(
      Supplier<AutoscalerConfig> autoscaler,
      Features features,
      ServingDefaults defaults,
      Mode mode) {
    this(autoscaler, constant(new ServingConfig(features, defaults)), mode);
  }

  /**
   * @param autoscaler the autoscaling config in force, read at every validation
   * @param serving config-features and config-defaults in force, read at every validation (they may
   *     change while a component runs)
   */
  public Validator(
      Supplier<AutoscalerConfig> autoscaler, Supplier<ServingConfig> serving, Mode mode) {
    this.autoscaler = autoscaler;
    this.serving = serving;
    this.mode = mode;
  }

  private static Supplier<ServingConfig> constant(ServingConfig config) {
    return () -> config;
  }

  public Validator(AutoscalerConfig autoscalerConfig, boolean localMode) {
    this(() -> autoscalerConfig, localMode);
  }

  public Validator(Supplier<AutoscalerConfig> autoscalerConfig, boolean localMode) {
    this(
        autoscalerConfig,
        Features.DEFAULTS,
        ServingDefaults.DEFAULTS,
        localMode ? Mode.LOCAL : Mode.KUBERNETES);
  }

  /**
   * The pod spec fields Knative lets a revision template carry (some only behind a config-features
   * flag); a template's {@code spec} holds them inline next to Knative's own fields.
   */
  public static Set<String> templatePodSpecFields() {
    return FieldMask.podSpecFields();
  }

  /** What this validator checks against now. */
  public Settings settings() {
    ServingConfig s = serving.get();
    return new Settings(autoscaler.get(), s.features(), s.defaults(), mode);
  }

  private boolean local() {
    return mode == Mode.LOCAL;
  }

  /**
   * Every violation of {@code resource}, empty when valid. Field paths are relative to the resource
   * root.
   */
  public List<Violation> validate(Resource resource) {
    List<Violation> v = new ArrayList<>();
    metadata(resource.metadata(), v);
    String name = resource.metadata() == null ? null : resource.metadata().name();
    if (resource instanceof Service s) {
      if (s.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      template(s.spec().template(), resource.metadata(), v);
      traffic(s.spec().traffic(), true, v);
    } else if (resource instanceof Configuration c) {
      if (c.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      template(c.spec().template(), resource.metadata(), v);
    } else if (resource instanceof Route r) {
      if (r.spec() == null) {
        v.add(new Violation("spec", "required"));
        return v;
      }
      traffic(r.spec().traffic(), false, v);
    }
    if (name == null && resource.metadata() != null) {
      // kept for the id in messages; nothing else to check
    }
    return v;
  }

  private void metadata(ObjectMeta m, List<Violation> v) {
    boolean hasName = m != null && m.name() != null && !m.name().isEmpty();
    boolean hasGenerate = m != null && m.generateName() != null && !m.generateName().isEmpty();
    if (hasGenerate) {
      if (!isDns1035Prefix(m.generateName())) {
        v.add(
            new Violation(
                "metadata.generateName",
                quote(m.generateName())
                    + " (expected: a DNS-1035 label prefix: lower case letters, digits and '-',"
                    + " starting with a letter)"));
      } else if (!hasName && local()) {
        v.add(
            new Violation(
                "metadata.generateName",
                quote(m.generateName())
                    + " (expected: metadata.name in local mode: the API server, not a file,"
                    + " generates names)"));
      }
    }
    if (!hasName) {
      if (!hasGenerate) {
        v.add(new Violation("metadata.name", "required"));
      }
    } else if (!isDns1035Label(m.name())) {
      v.add(
          new Violation(
              "metadata.name",
              quote(m.name())
                  + " (expected: a DNS-1035 label: lower case letters, digits and '-', starting"
                  + " with a letter, at most 63)"));
    }
    if (m == null) {
      return;
    }
    if (m.namespace() != null && !PodSpecRules.isDnsLabel(m.namespace())) {
      v.add(new Violation("metadata.namespace", quote(m.namespace()) + " (expected: a DNS label)"));
    }
    Annotations.objectLevel(m.annotations(), "metadata.annotations", v);
  }

  private void template(RevisionTemplate t, ObjectMeta parent, List<Violation> v) {
    if (t == null) {
      v.add(new Violation("spec.template", "required"));
      return;
    }
    String p = "spec.template.metadata";
    String tn = t.metadata().name();
    String tg = t.metadata().generateName();
    if (tg != null && !tg.isEmpty() && !isDns1035Prefix(tg)) {
      v.add(new Violation(p + ".generateName", quote(tg) + " (expected: a DNS-1035 label prefix)"));
    }
    if (tn != null && !tn.isEmpty()) {
      String parentName = parent == null ? null : parent.name();
      if (!isDns1035Label(tn)) {
        v.add(new Violation(p + ".name", quote(tn) + " (expected: a DNS-1035 label)"));
      } else if (parentName == null || parentName.isEmpty()) {
        v.add(
            new Violation(
                p + ".name",
                quote(tn) + " (expected: not set when the parent has only a generateName)"));
      } else if (!tn.startsWith(parentName + "-")) {
        v.add(
            new Violation(
                p + ".name", quote(tn) + " (expected: prefixed by \"" + parentName + "-\")"));
      }
    }
    if (t.metadata().namespace() != null) {
      v.add(
          new Violation(
              p + ".namespace",
              quote(t.metadata().namespace())
                  + " (expected: not set: a revision lives in its parent's namespace)"));
    }
    Map<String, String> annotations = t.metadata().annotations();
    for (Violation a : ScalingSpecs.validate(annotations, autoscaler.get())) {
      v.add(new Violation(p + "." + a.field(), a.message()));
    }
    Annotations.templateLevel(annotations, p + ".annotations", v);
    RevisionSpec spec = t.spec();
    reserve(annotations, spec == null ? 0 : spec.concurrencyLimit(), v);
    if (spec == null) {
      v.add(new Violation("spec.template.spec", "required"));
      return;
    }
    revisionSpec(spec, annotations, v);
  }

  /** The pilot light's annotations; serves-up-to counts concurrent requests, so not with rps. */
  private static void reserve(
      Map<String, String> annotations, int containerConcurrency, List<Violation> v) {
    for (Violation a : ReserveSpecs.validate(annotations, containerConcurrency)) {
      v.add(new Violation("spec.template.metadata." + a.field(), a.message()));
    }
    boolean servesAlone =
        ReserveSpecs.lenient(annotations, containerConcurrency)
            .map(r -> r.servesUpTo() > 0)
            .orElse(false);
    if (servesAlone
        && ScalingSpec.METRIC_RPS.equals(annotations.get(AutoscalingAnnotations.METRIC))) {
      String servesUpTo = annotations.get(ReserveAnnotations.SERVES_UP_TO);
      v.add(
          new Violation(
              "spec.template.metadata." + ReserveSpecs.field(ReserveAnnotations.SERVES_UP_TO),
              "\""
                  + servesUpTo
                  + "\" (expected: 0 with autoscaling.knative.dev/metric: rps; it counts concurrent requests)"));
    }
  }

  private void revisionSpec(RevisionSpec spec, Map<String, String> annotations, List<Violation> v) {
    String p = "spec.template.spec";
    ServingConfig config = serving.get();
    Features features = config.features();
    JsonNode pod = FieldMask.tree(spec.podSpec());
    List<Violation> masked = new ArrayList<>();
    FieldMask.checkPodSpec(pod, p, features, masked);
    v.addAll(masked);
    if (local()) {
      // what the masks already refuse is not refused twice
      List<Violation> localOnly = new ArrayList<>();
      localMode(spec, pod, p, LocalRuntimes.container(annotations, spec.container()), localOnly);
      for (Violation l : localOnly) {
        if (masked.stream().noneMatch(m -> l.field().startsWith(m.field()))) {
          v.add(l);
        }
      }
    }
    new PodSpecRules(features, !local(), v).podSpec(spec.podSpec(), p);
    ServingDefaults d = config.defaults();
    Long cc = spec.containerConcurrency();
    long ccMin = d.allowContainerConcurrencyZero() ? 0 : 1;
    if (cc != null && (cc < ccMin || cc > d.containerConcurrencyMaxLimit())) {
      v.add(
          new Violation(
              p + ".containerConcurrency",
              cc
                  + " (expected: "
                  + ccMin
                  + ".."
                  + d.containerConcurrencyMaxLimit()
                  + (ccMin == 0 ? ", 0 = unlimited" : "")
                  + ")"));
    }
    Long ts = spec.timeoutSeconds();
    if (ts != null && ts != 0 && (ts < 0 || ts > d.maxRevisionTimeoutSeconds())) {
      v.add(
          new Violation(
              p + ".timeoutSeconds",
              ts
                  + " (expected: 0.."
                  + d.maxRevisionTimeoutSeconds()
                  + ", config-defaults max-revision-timeout-seconds)"));
    }
    long timeout = ts == null || ts == 0 ? d.revisionTimeoutSeconds() : ts;
    within(spec.responseStartTimeoutSeconds(), timeout, p + ".responseStartTimeoutSeconds", v);
    within(spec.idleTimeoutSeconds(), timeout, p + ".idleTimeoutSeconds", v);
  }

  /** What the local process runtime cannot honour, each field named with the reason. */
  private static void localMode(
      RevisionSpec spec, JsonNode pod, String p, boolean container, List<Violation> v) {
    for (Iterator<String> it = pod.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (LOCAL_POD_FIELDS.contains(f)) {
        continue;
      }
      if (f.equals("securityContext")) {
        if (!container) {
          v.add(new Violation(p + "." + f, "set (expected: " + NEEDS_ENGINE + ")"));
        }
        continue;
      }
      if (f.equals("enableServiceLinks") || f.equals("automountServiceAccountToken")) {
        continue;
      }
      if (f.equals("volumes")) {
        if (!container) {
          v.add(new Violation(p + ".volumes", "set (expected: " + NEEDS_CONTAINER + ")"));
        } else {
          localVolumes(pod.path("volumes"), p + ".volumes", v);
        }
        continue;
      }
      v.add(new Violation(p + "." + f, "set (expected: " + LOCAL_REFUSAL + ")"));
    }
    if (spec.podSpec().getEnableServiceLinks() != null && spec.podSpec().getEnableServiceLinks()) {
      v.add(
          new Violation(
              p + ".enableServiceLinks",
              "true (expected: false or unset in local mode: there are no Kubernetes Services to"
                  + " link)"));
    }
    JsonNode containers = pod.path("containers");
    if (containers.size() > 1 && !container) {
      v.add(
          new Violation(
              p + ".containers",
              containers.size()
                  + " containers (expected: 1 for a host process (no image, or annotation "
                  + LocalRuntimes.ANNOTATION
                  + ": process): sidecars need a container runtime (podman or docker))"));
    }
    if (container) {
      localContainers(spec, pod, p, v);
    }
    localProbes(pod, p, v);
    for (int i = 0; i < containers.size(); i++) {
      JsonNode c = containers.get(i);
      String at = p + ".containers[" + i + "]";
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (f.equals("volumeMounts")) {
          if (!container) {
            v.add(new Violation(at + ".volumeMounts", "set (expected: " + NEEDS_CONTAINER + ")"));
          } else {
            localMounts(c.path("volumeMounts"), at + ".volumeMounts", v);
          }
          continue;
        }
        if (LOCAL_ENGINE_FIELDS.contains(f)) {
          if (!container) {
            v.add(new Violation(at + "." + f, "set (expected: " + NEEDS_ENGINE + ")"));
          }
        } else if (!LOCAL_CONTAINER_FIELDS.contains(f)
            && !(container && LOCAL_CONTAINER_ONLY_FIELDS.contains(f))) {
          v.add(new Violation(at + "." + f, "set (expected: " + LOCAL_REFUSAL + ")"));
        }
      }
      JsonNode command = c.path("command");
      if (!container && (!command.isArray() || command.isEmpty())) {
        v.add(
            new Violation(
                at + ".command",
                "required in local mode without an image, or with annotation "
                    + LocalRuntimes.ANNOTATION
                    + ": process (the command is started as a host process; with an image and"
                    + " no such annotation the image runs as a container)"));
      }
      JsonNode env = c.path("env");
      for (int e = 0; e < env.size(); e++) {
        localValueFrom(env.get(e).path("valueFrom"), at + ".env[" + e + "].valueFrom", v);
      }
      JsonNode probe = c.path("readinessProbe");
      for (String h : List.of("exec", "grpc")) {
        if (probe.has(h) && !container) {
          v.add(
              new Violation(
                  at + ".readinessProbe." + h,
                  "set (expected: httpGet or tcpSocket for a host process; exec and grpc probes"
                      + " need a container runtime (podman or docker))"));
        }
      }
    }
  }

  /**
   * What local mode resolves of {@code valueFrom}: ConfigMap and Secret keys, and the fieldRefs
   * that mean something for a local instance; {@code resourceFieldRef} is refused.
   */
  private static void localValueFrom(JsonNode from, String at, List<Violation> v) {
    if (from.isMissingNode() || from.isNull()) {
      return;
    }
    if (from.has("resourceFieldRef")) {
      v.add(
          new Violation(
              at + ".resourceFieldRef",
              "set (expected: not set in local mode, which has no node to default the limits from;"
                  + " write the value, or use configMapKeyRef, secretKeyRef or fieldRef)"));
    }
    if (from.has("fieldRef")) {
      String path = from.path("fieldRef").path("fieldPath").asText("");
      if (!LOCAL_FIELD_PATHS.contains(path) && !LOCAL_FIELD_SUBSCRIPT.matcher(path).matches()) {
        v.add(
            new Violation(
                at + ".fieldRef.fieldPath",
                quote(path)
                    + " (expected in local mode: metadata.name (the instance), metadata.namespace,"
                    + " metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'],"
                    + " spec.nodeName, spec.serviceAccountName, status.podIP, status.hostIP)"));
      }
      String apiVersion = from.path("fieldRef").path("apiVersion").asText("v1");
      if (!apiVersion.equals("v1")) {
        v.add(new Violation(at + ".fieldRef.apiVersion", quote(apiVersion) + " (expected: v1)"));
      }
    }
    int sources = 0;
    for (String s : List.of("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef")) {
      if (from.has(s)) {
        sources++;
        if ((s.equals("configMapKeyRef") || s.equals("secretKeyRef"))
            && (from.path(s).path("name").asText("").isEmpty()
                || from.path(s).path("key").asText("").isEmpty())) {
          v.add(new Violation(at + "." + s, "without name or key (expected: both)"));
        }
      }
    }
    if (sources != 1) {
      v.add(
          new Violation(
              at,
              sources
                  + " sources (expected: exactly one of configMapKeyRef, secretKeyRef, fieldRef)"));
    }
  }

  /** Volume sources a local container cannot get, each named. */
  private static void localVolumes(JsonNode volumes, String p, List<Violation> v) {
    for (int i = 0; i < volumes.size(); i++) {
      JsonNode vol = volumes.get(i);
      String at = p + "[" + i + "]";
      for (Iterator<String> it = vol.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("name") && !LOCAL_VOLUME_SOURCES.contains(f)) {
          v.add(
              new Violation(
                  at + "." + f,
                  "set (expected: emptyDir, configMap, secret or projected in local mode)"));
        }
      }
      JsonNode sources = vol.path("projected").path("sources");
      for (int s = 0; s < sources.size(); s++) {
        for (Iterator<String> it = sources.get(s).fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!f.equals("configMap") && !f.equals("secret")) {
            v.add(
                new Violation(
                    at + ".projected.sources[" + s + "]." + f,
                    "set (expected: configMap or secret projections in local mode)"));
          }
        }
      }
    }
  }

  /**
   * What a container instance cannot honour of a pod of containers: probes on a sidecar (only the
   * serving container's are run), a {@code runAsGroup} without a {@code runAsUser} (the engine's
   * {@code --user} needs the user), {@code fsGroup} (volume ownership the engine does not change)
   * and a {@code Localhost} seccomp profile (a file on a node).
   */
  private static void localContainers(
      RevisionSpec spec, JsonNode pod, String p, List<Violation> v) {
    JsonNode podSc = pod.path("securityContext");
    String psc = p + ".securityContext";
    if (podSc.has("fsGroup")) {
      v.add(
          new Violation(
              psc + ".fsGroup",
              podSc.path("fsGroup").asText()
                  + " (expected: not set in local mode: the container engine does not change"
                  + " volume ownership)"));
    }
    localSeccomp(podSc, psc, v);
    JsonNode containers = pod.path("containers");
    int serving = spec.servingIndex();
    for (int i = 0; i < containers.size(); i++) {
      JsonNode c = containers.get(i);
      String at = p + ".containers[" + i + "]";
      JsonNode sc = c.path("securityContext");
      localSeccomp(sc, at + ".securityContext", v);
      boolean user = sc.has("runAsUser") || podSc.has("runAsUser");
      if (!user && sc.has("runAsGroup")) {
        v.add(
            new Violation(
                at + ".securityContext.runAsGroup",
                sc.path("runAsGroup").asText()
                    + " (expected: with a runAsUser in local mode: the engine's --user needs one)"));
      } else if (!user && !sc.has("runAsGroup") && podSc.has("runAsGroup")) {
        v.add(
            new Violation(
                psc + ".runAsGroup",
                podSc.path("runAsGroup").asText()
                    + " (expected: with a runAsUser in local mode: the engine's --user needs one)"));
      }
      if (i == serving) {
        continue;
      }
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        if (c.has(probe)) {
          v.add(
              new Violation(
                  at + "." + probe,
                  "set on a sidecar (expected: probes on the serving container only in local"
                      + " mode; a sidecar is ready while it runs, and its exit restarts the"
                      + " instance)"));
        }
      }
    }
  }

  /** Mount fields a local container cannot honour. */
  private static void localMounts(JsonNode mounts, String p, List<Violation> v) {
    for (int i = 0; i < mounts.size(); i++) {
      JsonNode m = mounts.get(i);
      String at = p + "[" + i + "]";
      for (String f : List.of("subPathExpr", "recursiveReadOnly")) {
        if (m.has(f)) {
          v.add(new Violation(at + "." + f, "set (expected: " + LOCAL_REFUSAL + ")"));
        }
      }
      String propagation = m.path("mountPropagation").asText("None");
      if (!propagation.equals("None")) {
        v.add(
            new Violation(
                at + ".mountPropagation",
                quote(propagation) + " (expected: None or unset in local mode)"));
      }
    }
  }

  /**
   * What local mode's probe checks do not send: an {@code httpGet} to another {@code host}, over
   * {@code HTTPS}, or with {@code httpHeaders} (the check is a plain GET of the published port).
   */
  private static void localProbes(JsonNode pod, String p, List<Violation> v) {
    JsonNode containers = pod.path("containers");
    for (int i = 0; i < containers.size(); i++) {
      for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
        JsonNode get = containers.get(i).path(probe).path("httpGet");
        String at = p + ".containers[" + i + "]." + probe + ".httpGet";
        if (get.hasNonNull("host") && !get.path("host").asText().isEmpty()) {
          v.add(
              new Violation(
                  at + ".host",
                  quote(get.path("host").asText())
                      + " (expected: not set in local mode, which probes the instance's own port)"));
        }
        if (get.hasNonNull("scheme") && !get.path("scheme").asText().equals("HTTP")) {
          v.add(
              new Violation(
                  at + ".scheme",
                  quote(get.path("scheme").asText())
                      + " (expected: HTTP in local mode, whose probes do not speak TLS)"));
        }
        if (get.path("httpHeaders").size() > 0) {
          v.add(
              new Violation(
                  at + ".httpHeaders",
                  "set (expected: not set in local mode, whose probe GET sends no extra headers)"));
        }
      }
    }
  }

  private static void localSeccomp(JsonNode sc, String at, List<Violation> v) {
    String type = sc.path("seccompProfile").path("type").asText("");
    if (type.equals("Localhost")) {
      v.add(
          new Violation(
              at + ".seccompProfile.type",
              "\"Localhost\" (expected: RuntimeDefault or Unconfined in local mode: a Localhost"
                  + " profile is a file on a Kubernetes node)"));
    }
  }

  private static void within(Long value, long timeout, String field, List<Violation> v) {
    if (value != null && (value < 0 || value > timeout)) {
      v.add(
          new Violation(field, value + " (expected: 0.." + timeout + ", at most timeoutSeconds)"));
    }
  }

  /**
   * Knative's traffic rules. On a Service a target without revisionName means the Service's own
   * latest revision; on a Route it needs a revisionName or configurationName.
   */
  private static void traffic(List<TrafficTarget> traffic, boolean isService, List<Violation> v) {
    if (traffic.isEmpty()) {
      if (!isService) {
        v.add(new Violation("spec.traffic", "empty (expected: at least one target)"));
      }
      return;
    }
    long sum = 0;
    Map<String, Integer> tags = new HashMap<>();
    for (int i = 0; i < traffic.size(); i++) {
      TrafficTarget t = traffic.get(i);
      String p = "spec.traffic[" + i + "]";
      boolean pinned = t.revisionName() != null && !t.revisionName().isEmpty();
      boolean config = t.configurationName() != null && !t.configurationName().isEmpty();
      if (t.latestRevision() != null && pinned == t.latestRevision()) {
        v.add(
            new Violation(
                p + ".latestRevision",
                t.latestRevision()
                    + (pinned
                        ? " with revisionName " + quote(t.revisionName())
                        : " without a revisionName")
                    + " (expected: latestRevision true without revisionName, or false with one)"));
      }
      if (isService && config) {
        v.add(
            new Violation(
                p + ".configurationName",
                quote(t.configurationName())
                    + " (expected: not set on a Service: its traffic is its own configuration's)"));
      } else if (pinned && config) {
        v.add(
            new Violation(p, "revisionName and configurationName (expected: exactly one of them)"));
      } else if (pinned) {
        if (!isQualifiedName(t.revisionName())) {
          v.add(
              new Violation(
                  p + ".revisionName",
                  quote(t.revisionName()) + " (expected: a Kubernetes object name)"));
        }
      } else if (config) {
        if (!isQualifiedName(t.configurationName())) {
          v.add(
              new Violation(
                  p + ".configurationName",
                  quote(t.configurationName()) + " (expected: a Kubernetes object name)"));
        }
      } else if (!isService) {
        v.add(
            new Violation(
                p, "no target (expected: one of revisionName, configurationName on a Route)"));
      }
      if (t.percent() != null && (t.percent() < 0 || t.percent() > 100)) {
        v.add(new Violation(p + ".percent", t.percent() + " (expected: 0..100)"));
      }
      sum += t.percentOrZero();
      if (t.tag() != null && !t.tag().isEmpty()) {
        if (!isDns1035Label(t.tag())) {
          v.add(
              new Violation(
                  p + ".tag",
                  quote(t.tag())
                      + " (expected: a DNS-1035 label: lower case letters, digits and '-',"
                      + " starting with a letter)"));
        }
        Integer first = tags.putIfAbsent(t.tag(), i);
        if (first != null) {
          v.add(
              new Violation(
                  p + ".tag",
                  quote(t.tag())
                      + " is also the tag of spec.traffic["
                      + first
                      + "] (expected: unique tags)"));
        }
      }
    }
    if (sum != 100) {
      v.add(new Violation("spec.traffic", "percents sum to " + sum + " (expected: 100)"));
    }
  }

  static boolean isDns1035Label(String s) {
    return s != null && s.length() <= 63 && s.matches("[a-z]([-a-z0-9]*[a-z0-9])?");
  }

  /** Kubernetes' {@code NameIsDNS1035Label(prefix=true)}: a label once a suffix is added. */
  private static boolean isDns1035Prefix(String s) {
    return s.length() <= 58 && s.matches("[a-z]([-a-z0-9]*)?");
  }

  /** Kubernetes' {@code IsQualifiedName}: {@code [prefix/]name}. */
  private static boolean isQualifiedName(String s) {
    String name = s;
    int slash = s.indexOf('/');
    if (slash >= 0) {
      String prefix = s.substring(0, slash);
      name = s.substring(slash + 1);
      if (prefix.isEmpty() || !PodSpecRules.isDnsSubdomain(prefix)) {
        return false;
      }
    }
    return name.length() <= 63 && name.matches("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
