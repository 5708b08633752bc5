package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.status.RevisionConditions.RESOURCES_AVAILABLE;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.kubernetes.status.ConfigurationConditions;
import dev.pilotlight.controller.kubernetes.status.RevisionConditions;
import dev.pilotlight.controller.status.PodAutoscalerConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Revision → its Deployment, headless Service and PodAutoscaler (pure builders in {@link
 * RevisionChildren}, written only when they differ), the autoscaler's {@code desiredScale} applied
 * to the Deployment's replicas (1 until the autoscaler has spoken, as Knative's initial scale), the
 * Deployment's ready replicas written to the PodAutoscaler's {@code actualScale}, its routing state
 * (for reachability and garbage collection) and its conditions from the Deployment and pods.
 *
 * <p>With the pilot light ({@code pilotlight.dev/reserve-instance: "true"}) the revision also owns
 * the reserve's Deployment and headless Service, {@code <revision>-reserve}, the Deployment scaled
 * 0/1 by {@link ReserveScale} (which also holds the last standard replica over until the reserve is
 * ready); turning it off deletes both, and invalid reserve annotations make the revision not ready
 * with their message. Status {@code reserve: {enabled, ready}}.
 */
final class RevisionReconciler implements Reconciler<ObjectKey> {
  private final ClusterReads reads;
  private final ClusterWrites writes;
  private final Clock clock;
  private final Supplier<AutoscalerConfig> autoscalerConfig;
  private final Supplier<ServingDefaults> servingDefaults;

  /**
   * @param autoscalerConfig the global autoscaling defaults (min-scale and initial-scale of the
   *     PodAutoscaler's conditions) and config-deployment's progress deadline (the Deployment's
   *     {@code progressDeadlineSeconds} unless the revision's annotation says otherwise)
   */
  RevisionReconciler(
      ClusterReads reads,
      ClusterWrites writes,
      Clock clock,
      Supplier<AutoscalerConfig> autoscalerConfig) {
    this(reads, writes, clock, autoscalerConfig, () -> ServingDefaults.DEFAULTS);
  }

  /**
   * @param servingDefaults config-defaults in force: default resources, container names and
   *     enableServiceLinks of the pods
   */
  RevisionReconciler(
      ClusterReads reads,
      ClusterWrites writes,
      Clock clock,
      Supplier<AutoscalerConfig> autoscalerConfig,
      Supplier<ServingDefaults> servingDefaults) {
    this.servingDefaults = servingDefaults;
    this.reads = reads;
    this.writes = writes;
    this.clock = clock;
    this.autoscalerConfig = autoscalerConfig;
  }

  @Override
  public ReconcileResult reconcile(ObjectKey key) {
    RevisionResource rev = reads.revision(key.namespace(), key.name());
    if (rev == null || rev.getMetadata().getDeletionTimestamp() != null || rev.getSpec() == null) {
      return ReconcileResult.done();
    }
    String ns = key.namespace();
    RevisionResource.Status previous = rev.getStatus();
    boolean wasAvailable =
        previous != null && Conditions.isTrue(previous.conditions(), RESOURCES_AVAILABLE);
    boolean routed = routed(ns, key.name());

    Deployment deployment = reads.deployment(ns, KubernetesNames.deployment(key.name()));
    PodAutoscalerResource pa = reads.podAutoscaler(ns, key.name());
    Service service = reads.endpointsService(ns, KubernetesNames.endpointsService(key.name()));
    int desired = replicas(pa, deployment);

    Map<String, String> annotations = rev.getMetadata().getAnnotations();
    annotations = annotations == null ? Map.of() : annotations;
    int concurrency = rev.getSpec().concurrencyLimit();
    List<Violation> reserveProblems = ReserveSpecs.validate(annotations, concurrency);
    Optional<ReserveSpec> reserve =
        reserveProblems.isEmpty()
            ? ReserveSpecs.lenient(annotations, concurrency)
            : Optional.empty();
    Deployment reserveDeployment =
        reads.deployment(ns, KubernetesNames.reserveDeployment(key.name()));
    Service reserveService =
        reads.endpointsService(ns, KubernetesNames.reserveEndpointsService(key.name()));
    // someone else's Deployment of that name is not the revision's reserve (reported NotOwned)
    Deployment ownReserve =
        reserveDeployment != null && Ownership.isControlledBy(reserveDeployment, rev)
            ? reserveDeployment
            : null;
    boolean reserveReady = RevisionConditions.readyReplicas(ownReserve) > 0;
    ReserveScale.Replicas scale =
        ReserveScale.of(
            reserve.isPresent(),
            routed,
            desired,
            RevisionConditions.readyReplicas(deployment),
            specReplicas(ownReserve) > 0,
            reserveReady);
    int replicas = scale.standard();

    List<Cond> notOwned = new ArrayList<>();
    String reachability = reachability(rev, routed, wasAvailable);
    converge(
        rev,
        RevisionChildren.deployment(
            rev, replicas, autoscalerConfig.get().progressDeadline(), servingDefaults.get()),
        deployment,
        Deployment::getSpec,
        Deployment::setSpec,
        notOwned);
    converge(
        rev,
        RevisionChildren.endpointsService(rev),
        service,
        Service::getSpec,
        Service::setSpec,
        notOwned);
    converge(
        rev,
        RevisionChildren.podAutoscaler(rev, reachability),
        pa,
        PodAutoscalerResource::getSpec,
        PodAutoscalerResource::setSpec,
        notOwned);
    if (reserve.isPresent()) {
      converge(
          rev,
          RevisionChildren.reserveDeployment(
              rev, reserve.get(), scale.reserve(), servingDefaults.get()),
          reserveDeployment,
          Deployment::getSpec,
          Deployment::setSpec,
          notOwned);
      converge(
          rev,
          RevisionChildren.reserveEndpointsService(rev),
          reserveService,
          Service::getSpec,
          Service::setSpec,
          notOwned);
    } else {
      deleteOwned(rev, Deployment.class, reserveDeployment);
      deleteOwned(rev, Service.class, reserveService);
    }

    int ready = RevisionConditions.readyReplicas(deployment);
    if (pa != null && Ownership.isControlledBy(pa, rev)) {
      writePodAutoscalerStatus(key, pa, annotations, concurrency, reachability, ready);
    }
    markRoutingState(key, rev, routed);

    Container container = rev.getSpec().container();
    List<Cond> conditions;
    if (!reserveProblems.isEmpty()) {
      conditions =
          notOwnedConditions(
              Cond.isFalse(
                  null,
                  "InvalidReserveSpec",
                  ConfigurationConditions.describe(
                      reserveProblems.stream()
                          .map(v -> new Violation("metadata." + v.field(), v.message()))
                          .toList())));
    } else {
      conditions =
          notOwned.isEmpty()
              ? RevisionConditions.of(
                  wasAvailable,
                  deployment,
                  standardPods(reads.podsOf(ns, key.name())),
                  container == null || container.getName() == null
                      ? RevisionChildren.DEFAULT_CONTAINER_NAME
                      : container.getName(),
                  container == null ? null : container.getImage())
              : notOwnedConditions(notOwned.get(0));
    }
    RevisionResource.Status status =
        new RevisionResource.Status(
            rev.getMetadata().getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(), conditions, clock.instant()),
            ready,
            replicas,
            new RevisionResource.Reserve(reserve.isPresent(), reserve.isPresent() && reserveReady));
    if (!status.equals(previous)) {
      writes.replaceStatus(RevisionResource.class, key, status);
    }
    return ReconcileResult.done();
  }

  /** The autoscaler's desired scale; before it has one, the current replicas, else 1. */
  static int replicas(PodAutoscalerResource pa, Deployment deployment) {
    if (pa != null && pa.getStatus() != null && pa.getStatus().desiredScale() != null) {
      return Math.max(0, pa.getStatus().desiredScale());
    }
    if (deployment != null
        && deployment.getSpec() != null
        && deployment.getSpec().getReplicas() != null) {
      return deployment.getSpec().getReplicas();
    }
    return 1;
  }

  private static int specReplicas(Deployment d) {
    return d == null || d.getSpec() == null || d.getSpec().getReplicas() == null
        ? 0
        : d.getSpec().getReplicas();
  }

  /** The revision's pods but its reserve's: the reserve's problems are not the revision's. */
  private static List<Pod> standardPods(List<Pod> pods) {
    return pods.stream()
        .filter(
            p ->
                p.getMetadata().getLabels() == null
                    || !RevisionChildren.RESERVE.equals(
                        p.getMetadata().getLabels().get(KubernetesNames.INSTANCE_CLASS_LABEL)))
        .toList();
  }

  /** Deletes a child the revision controls (the reserve's, once the pilot light is off). */
  private <T extends HasMetadata> void deleteOwned(RevisionResource rev, Class<T> type, T child) {
    if (child != null && Ownership.isControlledBy(child, rev)) {
      writes.delete(
          type, new ObjectKey(child.getMetadata().getNamespace(), child.getMetadata().getName()));
    }
  }

  /** Whether any Route's resolved traffic names the revision (0% tagged entries included). */
  private boolean routed(String namespace, String name) {
    for (RouteResource route : reads.routesNaming(namespace, name)) {
      for (TrafficStatus t : ClusterIndexes.routedTraffic(route)) {
        if (name.equals(t.revisionName())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The PodAutoscaler's status fields this controller owns: {@code actualScale} (the Deployment's
   * ready replicas) and {@code conditions} (Knative's Active, ScaleTargetInitialized and Ready,
   * from the autoscaler's {@code desiredScale} and those replicas). The autoscaler owns {@code
   * desiredScale}; each writes its fields by merge patch, so the writes do not overwrite each
   * other. Written only when they differ from the cache's.
   */
  private void writePodAutoscalerStatus(
      ObjectKey key,
      PodAutoscalerResource pa,
      Map<String, String> annotations,
      int concurrency,
      String reachability,
      int ready) {
    PodAutoscalerResource.Status status = pa.getStatus();
    List<Condition> before = status == null ? null : status.conditions();
    int want = status == null || status.desiredScale() == null ? -1 : status.desiredScale();
    int minScale;
    int initialScale;
    try {
      ScalingSpec spec = ScalingSpecs.resolve(annotations, concurrency, autoscalerConfig.get());
      minScale = spec.minScale();
      initialScale = spec.initialScale();
    } catch (ValidationException e) {
      // reported on the Revision; the autoscaler keeps its last valid spec, these are the defaults
      minScale = autoscalerConfig.get().minScale();
      initialScale = autoscalerConfig.get().initialScale();
    }
    List<Cond> previous = new ArrayList<>();
    for (String type :
        List.of(PodAutoscalerConditions.ACTIVE, PodAutoscalerConditions.SCALE_TARGET_INITIALIZED)) {
      Conditions.find(before, type).ifPresent(c -> previous.add(Conditions.get(before, type)));
    }
    List<Cond> wanted =
        PodAutoscalerConditions.of(
            want,
            ready,
            !PodAutoscalerResource.UNREACHABLE.equals(reachability),
            minScale,
            initialScale,
            previous);
    List<Condition> conditions = Conditions.merge(before, wanted, clock.instant());
    boolean sameScale = status != null && Objects.equals(status.actualScale(), ready);
    if (sameScale && conditions.equals(before)) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("actualScale", ready);
    fields.put("conditions", conditions);
    if (status == null) {
      writes.mergeStatusFields(PodAutoscalerResource.class, key, fields);
    } else {
      writes.replaceStatusFields(PodAutoscalerResource.class, key, fields);
    }
  }

  /**
   * Reachable when routed; unknown (null) while it has never been ready and either no Route has
   * taken it yet (Knative's {@code pending} routing state) or it is its configuration's newest
   * revision, so it comes up to its initial scale before a Route takes it (the Route follows a
   * moment later; an autoscaler that saw it unreachable first would start it at zero); else
   * Unreachable (it may go to zero whatever its min-scale).
   */
  private String reachability(RevisionResource rev, boolean routed, boolean wasAvailable) {
    if (routed) {
      return PodAutoscalerResource.REACHABLE;
    }
    String state = RoutingState.of(rev);
    if (!wasAvailable && (state == null || RoutingState.PENDING.equals(state))) {
      return null;
    }
    Map<String, String> labels = rev.getMetadata().getLabels();
    String config = labels == null ? null : labels.get(KubernetesNames.CONFIGURATION_LABEL);
    ConfigurationResource c =
        config == null ? null : reads.configuration(rev.getMetadata().getNamespace(), config);
    boolean latest =
        c != null
            && c.getStatus() != null
            && rev.getMetadata().getName().equals(c.getStatus().latestCreatedRevisionName());
    return latest && !wasAvailable ? null : PodAutoscalerResource.UNREACHABLE;
  }

  private void markRoutingState(ObjectKey key, RevisionResource rev, boolean routed) {
    String was = RoutingState.of(rev);
    String state =
        routed
            ? RoutingState.ACTIVE
            : was == null || RoutingState.PENDING.equals(was)
                ? RoutingState.PENDING
                : RoutingState.RESERVE;
    if (state.equals(was)) {
      return;
    }
    writes.patchMetadata(
        RevisionResource.class,
        key,
        Map.of(RoutingState.LABEL, state),
        Map.of(
            RoutingState.MODIFIED_ANNOTATION,
            clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  private <T extends HasMetadata, S> void converge(
      RevisionResource rev,
      T desired,
      T existing,
      java.util.function.Function<T, S> spec,
      Children.SpecSetter<T, S> setSpec,
      List<Cond> notOwned) {
    if (Children.converge(writes, rev, desired, existing, spec, setSpec)
        == Children.Outcome.NOT_OWNED) {
      notOwned.add(Cond.isFalse(null, "NotOwned", Ownership.notOwnedMessage(existing, rev)));
    }
  }

  private static List<Cond> notOwnedConditions(Cond problem) {
    Cond resources = problem.as(RESOURCES_AVAILABLE);
    Cond health = Cond.unknown(RevisionConditions.CONTAINER_HEALTHY, null, null);
    return List.of(resources, health, Conditions.all(Conditions.READY, List.of(resources, health)));
  }
}
