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
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, STANDARD);
    RevisionSpec spec = rev.getSpec();
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
        .withNewSpec()
        .withContainers(container(rev, STANDARD))
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(spec.timeout().toSeconds())
        .endSpec()
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
    String name = rev.getMetadata().getName();
    Map<String, String> labels = childLabels(rev);
    labels.put(INSTANCE_CLASS_LABEL, RESERVE);
    RevisionSpec spec = rev.getSpec();
    Container container = withResources(container(rev, RESERVE), reserve.resources());
    List<io.fabric8.kubernetes.api.model.Toleration> tolerations = new ArrayList<>();
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
        .withNewSpec()
        .withContainers(container)
        .withNodeSelector(
            reserve.nodeSelector().isEmpty() ? null : new LinkedHashMap<>(reserve.nodeSelector()))
        .withTolerations(tolerations.isEmpty() ? null : tolerations)
        .withEnableServiceLinks(false)
        .withTerminationGracePeriodSeconds(spec.timeout().toSeconds())
        .endSpec()
        .endTemplate()
        .endSpec()
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

    return new ContainerBuilder(user)
        .withName(user.getName() == null ? DEFAULT_CONTAINER_NAME : user.getName())
        .withEnv(env)
        .withPorts(containerPort)
        .withReadinessProbe(readinessProbe(user.getReadinessProbe(), port))
        .withLivenessProbe(
            user.getLivenessProbe() == null ? null : withPort(user.getLivenessProbe(), port))
        .build();
  }

  /** The container's readiness probe, aimed at the serving port; else a TCP connect to it. */
  static Probe readinessProbe(Probe user, int port) {
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
    if (probe.getHttpGet() != null && probe.getHttpGet().getPort() == null) {
      b.editHttpGet().withPort(new IntOrString(port)).endHttpGet();
    }
    if (probe.getTcpSocket() != null && probe.getTcpSocket().getPort() == null) {
      b.editTcpSocket().withPort(new IntOrString(port)).endTcpSocket();
    }
    return b.build();
  }

  /** The serving port: the container's declared port, else 8080. */
  public static int port(RevisionSpec spec) {
    Container c = spec.container();
    if (c != null && c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (p.getContainerPort() != null) {
          return p.getContainerPort();
        }
      }
    }
    return DEFAULT_PORT;
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
