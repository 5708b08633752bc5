package dev.pilotlight.controller.kubernetes.desired;

import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_GENERATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.INSTANCE_CLASS_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.SERVICE_LABEL;

import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.autoscaling.Durations;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.reserve.ReserveResources;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.Toleration;
import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Revision and what it owns, as pure builders (Knative's {@code MakeDeployment}, {@code MakePA}):
 * the Deployment of its standard instances, the headless Service whose EndpointSlices the activator
 * reads, and the PodAutoscaler the autoscaler scales it by.
 */
public final class RevisionChildren {
  /** Knative's default serving port when the container declares none. */
  public static final int DEFAULT_PORT = 8080;

  /** Knative's name of the serving container when the template does not name it. */
  public static final String DEFAULT_CONTAINER_NAME = "user-container";

  public static final String STANDARD = "standard";

  public static final String RESERVE = "reserve";

  private static final Set<String> RESERVED_ENV =
      Set.of("PORT", "K_SERVICE", "K_CONFIGURATION", "K_REVISION", "PILOTLIGHT_INSTANCE_CLASS");

  private RevisionChildren() {}

  /**
   * The Revision a configuration stamps: the template's spec and annotations; its labels plus the
   * configuration, service, configuration generation and template hash; owned by the Configuration.
   */
  public static RevisionResource revision(Revision stamped, ConfigurationResource owner) {
    Map<String, String> labels = new HashMap<>(stamped.labels());
    labels.put(CONFIGURATION_LABEL, stamped.configuration());
    if (stamped.service() != null) {
      labels.put(SERVICE_LABEL, stamped.service());
    }
    labels.put(CONFIGURATION_GENERATION_LABEL, Long.toString(stamped.configurationGeneration()));
    labels.put(Models.TEMPLATE_HASH_LABEL, stamped.templateHash());
    RevisionResource r = new RevisionResource();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withName(stamped.name())
            .withNamespace(stamped.namespace())
            .withLabels(labels)
            .withAnnotations(new HashMap<>(stamped.annotations()))
            .withOwnerReferences(Ownership.controllerRef(owner))
            .build());
    r.setSpec(stamped.spec());
    return r;
  }

  /** The labels of every child of a revision (and of its pods). */
  public static Map<String, String> childLabels(RevisionResource rev) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> own = labelsOf(rev);
    labels.put(REVISION_LABEL, rev.getMetadata().getName());
    putIfPresent(labels, CONFIGURATION_LABEL, own.get(CONFIGURATION_LABEL));
    putIfPresent(labels, SERVICE_LABEL, own.get(SERVICE_LABEL));
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    return labels;
  }

  /** The selector of a revision's standard pods. */
  public static Map<String, String> standardSelector(String revision) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(REVISION_LABEL, revision);
    s.put(INSTANCE_CLASS_LABEL, STANDARD);
    return s;
  }

  /** The selector of a revision's reserve (pilot light) pod. */
  public static Map<String, String> reserveSelector(String revision) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(REVISION_LABEL, revision);
    s.put(INSTANCE_CLASS_LABEL, RESERVE);
    return s;
  }

  /**
   * @param replicas the standard instances wanted (the PodAutoscaler's desired scale)
   */
  public static Deployment deployment(RevisionResource rev, int replicas) {
    return deployment(rev, replicas, DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT);
  }

  /**
   * The standard Deployment; its {@code progressDeadlineSeconds} is the revision's {@code
   * serving.knative.dev/progress-deadline}, else {@code defaultProgressDeadline}
   * (config-deployment's), as Knative sets it.
   *
   * @param replicas the standard instances wanted (the PodAutoscaler's desired scale)
   */
  public static Deployment deployment(
      RevisionResource rev, int replicas, Duration defaultProgressDeadline) {
    return deployment(rev, replicas, defaultProgressDeadline, ServingDefaults.DEFAULTS);
  }

  /**
   * The standard Deployment, its pod spec the revision's as Knative's revision reconciler lays it
   * out (minus queue-proxy): the template's pod spec whole, its containers with the runtime
   * contract, config-defaults' resources and {@code enableServiceLinks} where the template says
   * nothing, the revision's timeout as the termination grace period.
   */
  public static Deployment deployment(
      RevisionResource rev,
      int replicas,
      Duration defaultProgressDeadline,
      ServingDefaults defaults) {
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, STANDARD);
    return new DeploymentBuilder()
        .withMetadata(childMeta(rev, KubernetesNames.deployment(name), labels))
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(progressDeadlineSeconds(rev, defaultProgressDeadline))
        .withNewSelector()
        .withMatchLabels(standardSelector(name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(podSpec(rev, STANDARD, defaults))
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The annotation's whole seconds when it is valid (validation names it otherwise), else the
   * default.
   */
  static int progressDeadlineSeconds(RevisionResource rev, Duration defaultDeadline) {
    String text = annotationsOf(rev).get(DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION);
    Duration d = defaultDeadline;
    if (text != null) {
      try {
        Duration parsed = Durations.parse(text);
        if (parsed.getNano() == 0 && !parsed.isZero()) {
          d = parsed;
        }
      } catch (IllegalArgumentException e) {
        // refused by validation, which names the annotation; the default stands meanwhile
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, d.toSeconds());
  }

  /**
   * The Deployment of the revision's reserve (pilot light) instance, {@code <revision>-reserve}:
   * the standard pod template with the reserve spec applied: its resources as requests and limits
   * (over the container's own), node selector, tolerations and pod annotations, {@code
   * PILOTLIGHT_INSTANCE_CLASS=reserve}, labelled and selected as {@code instance-class: reserve}.
   * Its termination grace (the revision's timeout) lets requests in flight finish when it is scaled
   * to 0.
   *
   * @param replicas 0 or 1, as the pilot-light policy decides
   */
  public static Deployment reserveDeployment(
      RevisionResource rev, ReserveSpec reserve, int replicas) {
    return reserveDeployment(rev, reserve, replicas, ServingDefaults.DEFAULTS);
  }

  /** The reserve's Deployment; its pod spec is the standard one with the reserve spec applied. */
  public static Deployment reserveDeployment(
      RevisionResource rev, ReserveSpec reserve, int replicas, ServingDefaults defaults) {
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, RESERVE);
    PodSpec pod = podSpec(rev, RESERVE, defaults);
    int serving = rev.getSpec().servingIndex();
    List<Container> containers = new ArrayList<>(pod.getContainers());
    containers.set(serving, withResources(containers.get(serving), reserve.resources()));
    List<io.fabric8.kubernetes.api.model.Toleration> tolerations =
        new ArrayList<>(pod.getTolerations() == null ? List.of() : pod.getTolerations());
    for (Toleration t : reserve.tolerations()) {
      tolerations.add(
          new TolerationBuilder()
              .withKey(t.key())
              .withOperator(t.operator())
              .withValue(t.value())
              .withEffect(t.effect())
              .build());
    }
    return new DeploymentBuilder()
        .withMetadata(childMeta(rev, KubernetesNames.reserveDeployment(name), labels))
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .withMatchLabels(reserveSelector(name))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(
            reserve.podAnnotations().isEmpty()
                ? null
                : new LinkedHashMap<>(reserve.podAnnotations()))
        .endMetadata()
        .withSpec(
            new PodSpecBuilder(pod)
                .withContainers(containers)
                .withNodeSelector(nodeSelector(pod, reserve))
                .withTolerations(tolerations.isEmpty() ? null : tolerations)
                .build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The template's node selector with the reserve's over it, null when both are empty. */
  private static Map<String, String> nodeSelector(PodSpec pod, ReserveSpec reserve) {
    Map<String, String> m =
        new LinkedHashMap<>(pod.getNodeSelector() == null ? Map.of() : pod.getNodeSelector());
    m.putAll(reserve.nodeSelector());
    return m.isEmpty() ? null : m;
  }

  /**
   * The pod spec of a revision's instances, as Knative's {@code BuildPodSpec}: the template's pod
   * spec whole; its containers named as Knative defaults them, the serving one with the runtime
   * contract (port, env, probes aimed at the port) and every other with the {@code K_*} variables;
   * config-defaults' default resources where a container sets none of them; {@code
   * enableServiceLinks} from config-defaults when unset; the revision's timeout as the grace
   * period.
   */
  public static PodSpec podSpec(
      RevisionResource rev, String instanceClass, ServingDefaults defaults) {
    RevisionSpec spec = rev.getSpec();
    PodSpec pod = spec.podSpec();
    List<Container> user = spec.containers();
    int serving = spec.servingIndex();
    Set<String> taken = new HashSet<>();
    for (Container c : user) {
      taken.add(c.getName());
    }
    List<Container> inits = pod.getInitContainers() == null ? List.of() : pod.getInitContainers();
    for (Container c : inits) {
      taken.add(c.getName());
    }
    List<String> names = defaultNames(user, taken, defaults.userContainerName());
    List<String> initNames = defaultNames(inits, taken, defaults.initContainerName());
    List<Container> containers = new ArrayList<>();
    for (int i = 0; i < user.size(); i++) {
      Container c = i == serving ? container(rev, instanceClass) : sidecar(rev, user.get(i));
      containers.add(
          withDefaultResources(new ContainerBuilder(c).withName(names.get(i)).build(), defaults));
    }
    List<Container> initContainers = new ArrayList<>();
    for (int i = 0; i < inits.size(); i++) {
      initContainers.add(new ContainerBuilder(inits.get(i)).withName(initNames.get(i)).build());
    }
    PodSpecBuilder b =
        new PodSpecBuilder(pod)
            .withContainers(containers)
            .withInitContainers(initContainers.isEmpty() ? null : initContainers)
            .withTerminationGracePeriodSeconds(spec.timeout().toSeconds());
    if (pod.getEnableServiceLinks() == null) {
      b.withEnableServiceLinks(defaults.enableServiceLinks());
    }
    return b.build();
  }

  /** Knative's {@code applyDefaultContainerNames}: unnamed containers get the default name. */
  private static List<String> defaultNames(
      List<Container> containers, Set<String> taken, String defaultName) {
    List<String> out = new ArrayList<>();
    int suffix = 0;
    for (Container c : containers) {
      if (c.getName() != null && !c.getName().isEmpty()) {
        out.add(c.getName());
        continue;
      }
      String name = defaultName;
      if (containers.size() > 1 || taken.contains(name)) {
        do {
          name = defaultName + "-" + suffix++;
        } while (taken.contains(name));
      }
      taken.add(name);
      out.add(name);
    }
    return out;
  }

  /** A sidecar as Knative's {@code makeContainer}: the {@code K_*} variables added. */
  static Container sidecar(RevisionResource rev, Container user) {
    List<EnvVar> env = new ArrayList<>(user.getEnv() == null ? List.of() : user.getEnv());
    env.addAll(knativeEnv(rev));
    ContainerBuilder b = new ContainerBuilder(user).withEnv(env).withStdin(null).withTty(null);
    if (user.getTerminationMessagePolicy() == null) {
      b.withTerminationMessagePolicy("FallbackToLogsOnError");
    }
    return b.build();
  }

  private static List<EnvVar> knativeEnv(RevisionResource rev) {
    Map<String, String> labels = labelsOf(rev);
    String configuration = labels.getOrDefault(CONFIGURATION_LABEL, "");
    String service = labels.getOrDefault(SERVICE_LABEL, configuration);
    return List.of(
        new EnvVar("K_SERVICE", service, null),
        new EnvVar("K_CONFIGURATION", configuration, null),
        new EnvVar("K_REVISION", rev.getMetadata().getName(), null));
  }

  /** config-defaults' requests and limits for the resources the container does not set. */
  static Container withDefaultResources(Container c, ServingDefaults defaults) {
    if (defaults.resources().isEmpty()) {
      return c;
    }
    ResourceRequirements own = c.getResources();
    Map<String, Quantity> requests =
        new LinkedHashMap<>(
            own == null || own.getRequests() == null ? Map.of() : own.getRequests());
    Map<String, Quantity> limits =
        new LinkedHashMap<>(own == null || own.getLimits() == null ? Map.of() : own.getLimits());
    for (String resource : List.of("cpu", "memory", "ephemeral-storage")) {
      Quantity request = defaults.resources().get("revision-" + resource + "-request");
      Quantity limit = defaults.resources().get("revision-" + resource + "-limit");
      if (request != null) {
        requests.putIfAbsent(resource, request);
      }
      if (limit != null) {
        limits.putIfAbsent(resource, limit);
      }
    }
    return new ContainerBuilder(c)
        .withResources(
            new ResourceRequirementsBuilder(own == null ? new ResourceRequirements() : own)
                .withRequests(requests.isEmpty() ? null : requests)
                .withLimits(limits.isEmpty() ? null : limits)
                .build())
        .build();
  }

  /** The container with the reserve's cpu and memory as both requests and limits. */
  static Container withResources(Container c, ReserveResources r) {
    if (r.isEmpty()) {
      return c;
    }
    ResourceRequirements own = c.getResources();
    Map<String, Quantity> requests =
        new LinkedHashMap<>(
            own == null || own.getRequests() == null ? Map.of() : own.getRequests());
    Map<String, Quantity> limits =
        new LinkedHashMap<>(own == null || own.getLimits() == null ? Map.of() : own.getLimits());
    if (r.cpu() != null) {
      requests.put("cpu", new Quantity(r.cpu()));
      limits.put("cpu", new Quantity(r.cpu()));
    }
    if (r.memory() != null) {
      requests.put("memory", new Quantity(r.memory()));
      limits.put("memory", new Quantity(r.memory()));
    }
    return new ContainerBuilder(c)
        .withResources(
            new ResourceRequirementsBuilder(own == null ? new ResourceRequirements() : own)
                .withRequests(requests)
                .withLimits(limits)
                .build())
        .build();
  }

  /**
   * The headless Service {@code <revision>-reserve} selecting the reserve pod, with the standard
   * one's port; labelled with the revision, so its EndpointSlices carry it for the activator.
   */
  public static Service reserveEndpointsService(RevisionResource rev) {
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, RESERVE);
    Service standard = endpointsService(rev);
    return new ServiceBuilder(standard)
        .withMetadata(childMeta(rev, KubernetesNames.reserveEndpointsService(name), labels))
        .editSpec()
        .withSelector(reserveSelector(name))
        .endSpec()
        .build();
  }

  /**
   * The headless Service selecting the revision's standard pods; its one port is named {@code h2c}
   * or {@code http} after the container port, which the activator reads from the EndpointSlices.
   */
  public static Service endpointsService(RevisionResource rev) {
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, STANDARD);
    int port = port(rev.getSpec());
    return new ServiceBuilder()
        .withMetadata(childMeta(rev, KubernetesNames.endpointsService(name), labels))
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(standardSelector(name))
        .addNewPort()
        .withName(rev.getSpec().protocol() == Protocol.H2C ? "h2c" : "http")
        .withProtocol("TCP")
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * @param reachability {@link PodAutoscalerResource#REACHABLE}, {@link
   *     PodAutoscalerResource#UNREACHABLE}, or null while unknown (a new revision not yet routed)
   */
  public static PodAutoscalerResource podAutoscaler(RevisionResource rev, String reachability) {
    String name = rev.getMetadata().getName();
    PodAutoscalerResource pa = new PodAutoscalerResource();
    ObjectMeta meta = childMeta(rev, name, childLabels(rev));
    meta.setAnnotations(new HashMap<>(annotationsOf(rev)));
    pa.setMetadata(meta);
    RevisionSpec spec = rev.getSpec();
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", KubernetesNames.deployment(name)),
            reachability,
            spec.protocol() == Protocol.H2C ? "h2c" : "http1",
            (long) spec.concurrencyLimit()));
    return pa;
  }

  /** The serving container with Knative's runtime contract: port, env, readiness probe. */
  static Container container(RevisionResource rev, String instanceClass) {
    RevisionSpec spec = rev.getSpec();
    Container user = spec.container();
    int port = port(spec);
    String portName = spec.protocol() == Protocol.H2C ? "h2c" : "http1";
    Map<String, String> labels = labelsOf(rev);
    String configuration = labels.getOrDefault(CONFIGURATION_LABEL, "");
    String service = labels.getOrDefault(SERVICE_LABEL, configuration);

    List<EnvVar> env = new ArrayList<>();
    if (user.getEnv() != null) {
      for (EnvVar e : user.getEnv()) {
        if (!RESERVED_ENV.contains(e.getName())) {
          env.add(e);
        }
      }
    }
    env.add(new EnvVar("PORT", Integer.toString(port), null));
    env.add(new EnvVar("K_SERVICE", service, null));
    env.add(new EnvVar("K_CONFIGURATION", configuration, null));
    env.add(new EnvVar("K_REVISION", rev.getMetadata().getName(), null));
    env.add(new EnvVar("PILOTLIGHT_INSTANCE_CLASS", instanceClass, null));

    ContainerPort containerPort = new ContainerPort();
    containerPort.setName(portName);
    containerPort.setContainerPort(port);
    containerPort.setProtocol("TCP");

    ContainerBuilder b =
        new ContainerBuilder(user)
            .withName(user.getName() == null ? DEFAULT_CONTAINER_NAME : user.getName())
            .withEnv(env)
            .withPorts(containerPort)
            .withStdin(null)
            .withTty(null)
            .withReadinessProbe(readinessProbe(user.getReadinessProbe(), port))
            .withLivenessProbe(
                user.getLivenessProbe() == null ? null : withPort(user.getLivenessProbe(), port))
            .withStartupProbe(
                user.getStartupProbe() == null ? null : withPort(user.getStartupProbe(), port));
    if (user.getTerminationMessagePolicy() == null) {
      b.withTerminationMessagePolicy("FallbackToLogsOnError");
    }
    return b.build();
  }

  /** The container's readiness probe, aimed at the serving port; else a TCP connect to it. */
  static Probe readinessProbe(Probe user, int port) {
    if (user != null
        && user.getHttpGet() == null
        && user.getTcpSocket() == null
        && user.getExec() == null
        && user.getGrpc() == null) {
      return new ProbeBuilder(user)
          .withNewTcpSocket()
          .withPort(new IntOrString(port))
          .endTcpSocket()
          .build();
    }
    if (user == null) {
      return new ProbeBuilder()
          .withNewTcpSocket()
          .withPort(new IntOrString(port))
          .endTcpSocket()
          .build();
    }
    return withPort(user, port);
  }

  private static Probe withPort(Probe probe, int port) {
    ProbeBuilder b = new ProbeBuilder(probe);
    // Knative aims the serving container's probes at its port: unset, 0 or the port's name
    if (probe.getHttpGet() != null && unsetOrNamed(probe.getHttpGet().getPort())) {
      b.editHttpGet().withPort(new IntOrString(port)).endHttpGet();
    }
    if (probe.getTcpSocket() != null && unsetOrNamed(probe.getTcpSocket().getPort())) {
      b.editTcpSocket().withPort(new IntOrString(port)).endTcpSocket();
    }
    return b.build();
  }

  private static boolean unsetOrNamed(IntOrString p) {
    return p == null || p.getStrVal() != null || p.getIntVal() == null || p.getIntVal() == 0;
  }

  /** The serving port: the serving container's declared port, else 8080. */
  public static int port(RevisionSpec spec) {
    return spec.port();
  }

  private static ObjectMeta childMeta(
      RevisionResource rev, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(rev.getMetadata().getNamespace())
        .withLabels(new LinkedHashMap<>(labels))
        .withOwnerReferences(Ownership.controllerRef(rev))
        .build();
  }

  private static Map<String, String> labelsOf(RevisionResource rev) {
    Map<String, String> l = rev.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  private static Map<String, String> annotationsOf(RevisionResource rev) {
    Map<String, String> a = rev.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private static void putIfPresent(Map<String, String> m, String k, String v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
