package dev.pilotlight.controller.status;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.reserve.ReserveAnnotations;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.controller.kubernetes.ClusterReads;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.RevisionConditions;
import dev.pilotlight.controller.status.StatusSnapshot.AutoscalerCondition;
import dev.pilotlight.controller.status.StatusSnapshot.InstanceStatus;
import dev.pilotlight.controller.status.StatusSnapshot.KnativeCondition;
import dev.pilotlight.controller.status.StatusSnapshot.ReserveStatus;
import dev.pilotlight.controller.status.StatusSnapshot.RevisionStatus;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import dev.pilotlight.controller.store.ObjectStore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The status local mode shows ({@code pilotlight status}, the admin {@code /status}) as a pure
 * function of the object store's objects: what the reconcilers, the autoscaler and the node agent
 * wrote, read back the way {@code kubectl get ksvc,rev} would, in the columns and JSON fields that
 * local mode has always shown, plus Knative's conditions themselves.
 *
 * <ul>
 *   <li>A row per Service and per bare Route (one no Service owns): URL on the gateway's port,
 *       ready with the reason and message of its {@code Ready} condition when not True, the latest
 *       created and ready revisions, the resolved traffic from {@code status.traffic}, and its
 *       conditions.
 *   <li>A row per Revision: desired replicas (its PodAutoscaler's {@code status.desiredScale}),
 *       actual (its standard Deployment's ready replicas), ready (its {@code Ready} condition),
 *       routed (its {@code serving.knative.dev/routingState} is {@code active}), the message of its
 *       most specific False condition, the pilot light from the reserve Deployment and pods, the
 *       PodAutoscaler's conditions, the instances as its pods say, and its own conditions with
 *       {@code Active} from the PodAutoscaler, as in Knative.
 * </ul>
 *
 * <p>No clock, no I/O: the same objects make the same snapshot.
 */
public final class StoreStatus {
  static final String ROUTING_ACTIVE = "active";

  static final String RESERVE_CLASS = "reserve";
  static final String ACTIVE = "Active";
  static final String CONTAINER_HEALTHY = RevisionConditions.CONTAINER_HEALTHY;
  static final String RESOURCES_AVAILABLE = RevisionConditions.RESOURCES_AVAILABLE;

  private StoreStatus() {}

  /**
   * What the status is made of: the store's objects of each kind (any order; other namespaces'
   * objects and other owners' objects are told apart by their labels and owners).
   */
  public record StoreObjects(
      List<ServiceResource> services,
      List<RouteResource> routes,
      List<ConfigurationResource> configurations,
      List<RevisionResource> revisions,
      List<PodAutoscalerResource> podAutoscalers,
      List<Deployment> deployments,
      List<Pod> pods) {
    public StoreObjects {
      services = List.copyOf(services);
      routes = List.copyOf(routes);
      configurations = List.copyOf(configurations);
      revisions = List.copyOf(revisions);
      podAutoscalers = List.copyOf(podAutoscalers);
      deployments = List.copyOf(deployments);
      pods = List.copyOf(pods);
    }

    /** Every object of the kinds read, as the store holds them now. */
    public static StoreObjects of(ObjectStore store) {
      return new StoreObjects(
          store.list(ServiceResource.class),
          store.list(RouteResource.class),
          store.list(ConfigurationResource.class),
          store.list(RevisionResource.class),
          store.list(PodAutoscalerResource.class),
          store.list(Deployment.class),
          store.list(Pod.class));
    }

    /** Every object of the kinds read, as the controller sees them (managed children only). */
    public static StoreObjects of(ClusterReads reads) {
      return new StoreObjects(
          reads.list(ServiceResource.class),
          reads.list(RouteResource.class),
          reads.list(ConfigurationResource.class),
          reads.list(RevisionResource.class),
          reads.list(PodAutoscalerResource.class),
          reads.list(Deployment.class),
          reads.list(Pod.class));
    }
  }

  /**
   * The snapshot of {@code objects}.
   *
   * @param domain the routes' domain (hosts are {@code <route>.<namespace>.<domain>})
   * @param gatewayPort the port URLs are shown with (none for 80 or less than 1)
   */
  public static StatusSnapshot of(StoreObjects objects, String domain, int gatewayPort) {
    Objects.requireNonNull(objects, "objects");
    if (domain == null || domain.isBlank()) {
      throw new IllegalArgumentException("domain: \"" + domain + "\" (expected: a DNS domain)");
    }
    List<ServiceStatus> services = new ArrayList<>();
    for (ServiceResource s : sorted(objects.services())) {
      services.add(serviceRow(s, domain, gatewayPort));
    }
    for (RouteResource r : sorted(objects.routes())) {
      if (!ownedByService(r)) {
        services.add(routeRow(r, domain, gatewayPort));
      }
    }
    services.sort(
        Comparator.comparing(ServiceStatus::namespace)
            .thenComparing(ServiceStatus::name)
            .thenComparing(ServiceStatus::kind));

    Map<ObjectKey, PodAutoscalerResource> pas = byKey(objects.podAutoscalers());
    Map<ObjectKey, Deployment> deployments = byKey(objects.deployments());
    Map<ObjectKey, List<Pod>> pods = new HashMap<>();
    for (Pod p : objects.pods()) {
      String rev = label(p, KubernetesNames.REVISION_LABEL);
      if (rev != null) {
        pods.computeIfAbsent(
                new ObjectKey(p.getMetadata().getNamespace(), rev), k -> new ArrayList<>())
            .add(p);
      }
    }
    List<RevisionStatus> revisions = new ArrayList<>();
    for (RevisionResource r : sorted(objects.revisions())) {
      ObjectKey key = ObjectKey.of(r);
      String ns = key.namespace();
      List<Pod> revPods = new ArrayList<>(pods.getOrDefault(key, List.of()));
      revPods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
      revisions.add(
          revisionRow(
              r,
              pas.get(key),
              deployments.get(new ObjectKey(ns, KubernetesNames.deployment(key.name()))),
              deployments.get(new ObjectKey(ns, KubernetesNames.reserveDeployment(key.name()))),
              revPods));
    }
    return new StatusSnapshot(List.copyOf(services), List.copyOf(revisions));
  }

  // ---- services and routes ----

  private static ServiceStatus serviceRow(ServiceResource s, String domain, int port) {
    String ns = s.getMetadata().getNamespace();
    String name = s.getMetadata().getName();
    ServiceResource.Status st = s.getStatus();
    List<Condition> conditions = st == null ? null : st.conditions();
    Ready ready = ready(conditions, s.getMetadata().getGeneration(), observed(st));
    return new ServiceStatus(
        name,
        ns,
        "Service",
        Names.url(Names.host(name, ns, domain), port),
        ready.ready(),
        ready.reason(),
        ready.message(),
        st == null ? null : st.latestCreatedRevisionName(),
        st == null ? null : st.latestReadyRevisionName(),
        traffic(st == null ? null : st.traffic(), name, ns, domain, port),
        knative(conditions));
  }

  private static Long observed(ServiceResource.Status st) {
    return st == null ? null : st.observedGeneration();
  }

  private static ServiceStatus routeRow(RouteResource r, String domain, int port) {
    String ns = r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    RouteResource.Status st = r.getStatus();
    List<Condition> conditions = st == null ? null : st.conditions();
    Ready ready =
        ready(
            conditions,
            r.getMetadata().getGeneration(),
            st == null ? null : st.observedGeneration());
    return new ServiceStatus(
        name,
        ns,
        "Route",
        Names.url(Names.host(name, ns, domain), port),
        ready.ready(),
        ready.reason(),
        ready.message(),
        null,
        null,
        traffic(st == null ? null : st.traffic(), name, ns, domain, port),
        knative(conditions));
  }

  private record Ready(boolean ready, String reason, String message) {}

  /**
   * Ready when the {@code Ready} condition is True for the object's current generation; else its
   * reason and message, or why there is none yet.
   */
  private static Ready ready(List<Condition> conditions, Long generation, Long observed) {
    if (conditions == null || Conditions.find(conditions, Conditions.READY).isEmpty()) {
      return new Ready(false, "NotReconciled", "waiting for the controller to reconcile it");
    }
    Condition c = Conditions.find(conditions, Conditions.READY).get();
    if (generation != null && observed != null && observed < generation) {
      return new Ready(
          false,
          "OutOfDate",
          "the controller has not yet reconciled generation " + generation + " of the spec");
    }
    if (Conditions.TRUE.equals(c.getStatus())) {
      return new Ready(true, null, null);
    }
    return new Ready(
        false, c.getReason() == null ? Conditions.UNKNOWN : c.getReason(), c.getMessage());
  }

  private static List<ResolvedTarget> traffic(
      List<TrafficStatus> traffic, String route, String ns, String domain, int port) {
    if (traffic == null) {
      return List.of();
    }
    List<ResolvedTarget> out = new ArrayList<>();
    for (TrafficStatus t : traffic) {
      out.add(
          new ResolvedTarget(
              t.revisionName(),
              t.configurationName(),
              Boolean.TRUE.equals(t.latestRevision()),
              t.percent() == null ? 0 : t.percent().intValue(),
              t.tag(),
              t.tag() == null ? null : Names.url(Names.tagHost(t.tag(), route, ns, domain), port)));
    }
    return List.copyOf(out);
  }

  private static boolean ownedByService(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream()
            .anyMatch(
                ref ->
                    Boolean.TRUE.equals(ref.getController())
                        && "Service".equals(ref.getKind())
                        && ref.getApiVersion() != null
                        && ref.getApiVersion().startsWith(KubernetesNames.SERVING_GROUP + "/"));
  }

  // ---- revisions ----

  private static RevisionStatus revisionRow(
      RevisionResource r,
      PodAutoscalerResource pa,
      Deployment standard,
      Deployment reserve,
      List<Pod> pods) {
    RevisionResource.Status st = r.getStatus();
    List<Condition> conditions = st == null ? null : st.conditions();
    List<Condition> paConditions =
        pa == null || pa.getStatus() == null ? null : pa.getStatus().conditions();
    Integer desired = pa == null || pa.getStatus() == null ? null : pa.getStatus().desiredScale();
    List<Pod> standardPods =
        pods.stream().filter(p -> !RESERVE_CLASS.equals(instanceClass(p))).toList();
    List<Pod> reservePods =
        pods.stream().filter(p -> RESERVE_CLASS.equals(instanceClass(p))).toList();
    return new RevisionStatus(
        r.getMetadata().getName(),
        r.getMetadata().getNamespace(),
        label(r, KubernetesNames.SERVICE_LABEL),
        label(r, KubernetesNames.CONFIGURATION_LABEL),
        desired == null ? 0 : Math.max(0, desired),
        RevisionConditions.readyReplicas(standard),
        Conditions.isTrue(conditions, Conditions.READY),
        ROUTING_ACTIVE.equals(label(r, KubernetesNames.ROUTING_STATE_LABEL)),
        message(conditions),
        null,
        reserve(r, reserve, reservePods),
        pa == null ? null : autoscaler(paConditions),
        pending(standardPods),
        pods.stream().map(StoreStatus::instance).toList(),
        revisionConditions(conditions, paConditions));
  }

  /**
   * The message of the most specific False condition: the container's, then the resources', then
   * Ready's (a reason of its own, such as an invalid reserve); null when none is False.
   */
  static String message(List<Condition> conditions) {
    for (String type : List.of(CONTAINER_HEALTHY, RESOURCES_AVAILABLE, Conditions.READY)) {
      Condition c = Conditions.find(conditions, type).orElse(null);
      if (c != null && Conditions.FALSE.equals(c.getStatus())) {
        return c.getMessage() != null ? c.getMessage() : c.getReason();
      }
    }
    return null;
  }

  /**
   * The pilot light: {@code off} while the reserve Deployment wants no replica (or is absent),
   * {@code draining} while a reserve pod is terminating, else {@code ready} once a replica is
   * ready, {@code starting} before.
   */
  static ReserveStatus reserve(RevisionResource r, Deployment reserve, List<Pod> reservePods) {
    Map<String, String> annotations = r.getMetadata().getAnnotations();
    boolean enabled =
        annotations != null
            && "true".equalsIgnoreCase(annotations.get(ReserveAnnotations.INSTANCE));
    if (!enabled) {
      return ReserveStatus.DISABLED;
    }
    int wanted =
        reserve == null || reserve.getSpec() == null || reserve.getSpec().getReplicas() == null
            ? 0
            : reserve.getSpec().getReplicas();
    boolean ready = RevisionConditions.readyReplicas(reserve) > 0;
    boolean draining = reservePods.stream().anyMatch(StoreStatus::terminating);
    String state;
    if (wanted > 0) {
      state = ready ? "ready" : draining ? "draining" : "starting";
    } else {
      state = draining ? "draining" : "off";
    }
    return new ReserveStatus(true, ready, state);
  }

  /**
   * Standard instances wanted but not running: waiting for the node's capacity (PodScheduled False)
   * or to restart after a crash (CrashLoopBackOff).
   */
  static int pending(List<Pod> standardPods) {
    int n = 0;
    for (Pod p : standardPods) {
      if (terminating(p)) {
        continue;
      }
      if (unschedulable(p) || "CrashLoopBackOff".equals(waitingReason(p))) {
        n++;
      }
    }
    return n;
  }

  /** The instance a pod is, in the runtime's words ({@link InstanceStatus#state()}). */
  static InstanceStatus instance(Pod p) {
    ContainerStatus cs = servingContainer(p);
    Map<String, String> annotations = p.getMetadata().getAnnotations();
    annotations = annotations == null ? Map.of() : annotations;
    String runtime = annotations.get(KubernetesNames.RUNTIME_ANNOTATION);
    Integer port = null;
    try {
      String text = annotations.get(KubernetesNames.PORT_ANNOTATION);
      port = text == null ? null : Integer.valueOf(text);
    } catch (NumberFormatException e) {
      port = null;
    }
    return new InstanceStatus(
        instanceName(p),
        instanceClass(p),
        runtime,
        "process".equals(runtime) || cs == null ? null : cs.getImage(),
        state(p, cs),
        port,
        cs == null || cs.getRestartCount() == null ? 0 : cs.getRestartCount());
  }

  private static String state(Pod p, ContainerStatus cs) {
    if (terminating(p)) {
      return "Terminating";
    }
    if (unschedulable(p)) {
      return "Pending";
    }
    String waiting = waitingReason(p);
    if (waiting != null) {
      return waiting;
    }
    if (cs != null && cs.getState() != null && cs.getState().getRunning() != null) {
      return Boolean.TRUE.equals(cs.getReady()) ? "Ready" : "Starting";
    }
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return phase == null ? "Pending" : phase;
  }

  /** The instance's id: the pod's name without its Deployment's. */
  private static String instanceName(Pod p) {
    String name = p.getMetadata().getName();
    List<OwnerReference> refs = p.getMetadata().getOwnerReferences();
    if (refs != null) {
      for (OwnerReference ref : refs) {
        String prefix = ref.getName() + "-";
        if ("Deployment".equals(ref.getKind()) && name.startsWith(prefix)) {
          return name.substring(prefix.length());
        }
      }
    }
    return name;
  }

  private static ContainerStatus servingContainer(Pod p) {
    if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return null;
    }
    List<ContainerStatus> all = p.getStatus().getContainerStatuses();
    return all.isEmpty() ? null : all.get(0);
  }

  private static String waitingReason(Pod p) {
    ContainerStatus cs = servingContainer(p);
    return cs == null || cs.getState() == null || cs.getState().getWaiting() == null
        ? null
        : cs.getState().getWaiting().getReason();
  }

  private static boolean unschedulable(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && Conditions.FALSE.equals(c.getStatus())) {
        return true;
      }
    }
    return false;
  }

  private static boolean terminating(Pod p) {
    return p.getMetadata().getDeletionTimestamp() != null;
  }

  private static String instanceClass(Pod p) {
    return label(p, KubernetesNames.INSTANCE_CLASS_LABEL);
  }

  private static List<AutoscalerCondition> autoscaler(List<Condition> conditions) {
    if (conditions == null) {
      return List.of();
    }
    return conditions.stream()
        .map(
            c ->
                new AutoscalerCondition(
                    c.getType(),
                    c.getStatus(),
                    c.getReason(),
                    c.getMessage(),
                    c.getLastTransitionTime()))
        .toList();
  }

  /** The Revision's conditions and, as Knative propagates it, the PodAutoscaler's Active. */
  private static List<KnativeCondition> revisionConditions(
      List<Condition> conditions, List<Condition> paConditions) {
    if (conditions == null && paConditions == null) {
      return null;
    }
    List<Condition> all = new ArrayList<>(conditions == null ? List.of() : conditions);
    if (Conditions.find(all, ACTIVE).isEmpty()) {
      Conditions.find(paConditions, ACTIVE).ifPresent(all::add);
    }
    all.sort(Comparator.comparing(Condition::getType));
    return knative(all);
  }

  private static List<KnativeCondition> knative(List<Condition> conditions) {
    if (conditions == null) {
      return null;
    }
    return conditions.stream()
        .map(
            c ->
                new KnativeCondition(
                    c.getType(),
                    c.getStatus(),
                    c.getReason(),
                    c.getMessage(),
                    c.getLastTransitionTime()))
        .toList();
  }

  // ---- helpers ----

  private static String label(HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private static <T extends HasMetadata> Map<ObjectKey, T> byKey(List<T> objects) {
    Map<ObjectKey, T> out = new HashMap<>();
    for (T o : objects) {
      out.put(ObjectKey.of(o), o);
    }
    return out;
  }

  private static <T extends HasMetadata> List<T> sorted(List<T> objects) {
    List<T> out = new ArrayList<>(objects);
    out.sort(Comparator.comparing(ObjectKey::of));
    return out;
  }
}
