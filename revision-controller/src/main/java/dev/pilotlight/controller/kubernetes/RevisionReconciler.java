package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.status.RevisionConditions.RESOURCES_AVAILABLE;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.kubernetes.status.RevisionConditions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Revision → its Deployment, headless Service and PodAutoscaler (pure builders in {@link
 * RevisionChildren}, written only when they differ), the autoscaler's {@code desiredScale} applied
 * to the Deployment's replicas (1 until the autoscaler has spoken, as Knative's initial scale), the
 * Deployment's ready replicas written to the PodAutoscaler's {@code actualScale}, its routing state
 * (for reachability and garbage collection) and its conditions from the Deployment and pods.
 */
final class RevisionReconciler implements Reconciler<ObjectKey> {
  private final Caches caches;
  private final ClusterWrites writes;
  private final Clock clock;

  RevisionReconciler(Caches caches, ClusterWrites writes, Clock clock) {
    this.caches = caches;
    this.writes = writes;
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ObjectKey key) {
    RevisionResource rev = caches.revision(key.namespace(), key.name());
    if (rev == null || rev.getMetadata().getDeletionTimestamp() != null || rev.getSpec() == null) {
      return ReconcileResult.done();
    }
    String ns = key.namespace();
    RevisionResource.Status previous = rev.getStatus();
    boolean wasAvailable =
        previous != null && Conditions.isTrue(previous.conditions(), RESOURCES_AVAILABLE);
    boolean routed = routed(ns, key.name());

    Deployment deployment = caches.deployment(ns, KubernetesNames.deployment(key.name()));
    PodAutoscalerResource pa = caches.podAutoscaler(ns, key.name());
    Service service = caches.endpointsService(ns, KubernetesNames.endpointsService(key.name()));
    int replicas = replicas(pa, deployment);

    List<Cond> notOwned = new ArrayList<>();
    converge(
        rev,
        RevisionChildren.deployment(rev, replicas),
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
        RevisionChildren.podAutoscaler(rev, reachability(rev, routed, wasAvailable)),
        pa,
        PodAutoscalerResource::getSpec,
        PodAutoscalerResource::setSpec,
        notOwned);

    int ready = RevisionConditions.readyReplicas(deployment);
    if (pa != null
        && Ownership.isControlledBy(pa, rev)
        && (pa.getStatus() == null || !Objects.equals(pa.getStatus().actualScale(), ready))) {
      writes.mergeStatusFields(PodAutoscalerResource.class, key, Map.of("actualScale", ready));
    }
    markRoutingState(key, rev, routed);

    Container container = rev.getSpec().container();
    List<Cond> conditions =
        notOwned.isEmpty()
            ? RevisionConditions.of(
                wasAvailable,
                deployment,
                caches.podsOf(ns, key.name()),
                container == null || container.getName() == null
                    ? RevisionChildren.DEFAULT_CONTAINER_NAME
                    : container.getName(),
                container == null ? null : container.getImage())
            : notOwnedConditions(notOwned.get(0));
    RevisionResource.Status status =
        new RevisionResource.Status(
            rev.getMetadata().getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(), conditions, clock.instant()),
            ready,
            replicas,
            previous == null ? null : previous.reserve());
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

  /** Whether any Route's resolved traffic names the revision (0% tagged entries included). */
  private boolean routed(String namespace, String name) {
    for (RouteResource route : caches.routesNaming(namespace, name)) {
      for (TrafficStatus t : Caches.routedTraffic(route)) {
        if (name.equals(t.revisionName())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Reachable when routed; unknown (null) while it is its configuration's newest revision and has
   * never been ready, so it comes up before a Route takes it; else Unreachable (it may go to zero
   * whatever its min-scale).
   */
  private String reachability(RevisionResource rev, boolean routed, boolean wasAvailable) {
    if (routed) {
      return PodAutoscalerResource.REACHABLE;
    }
    Map<String, String> labels = rev.getMetadata().getLabels();
    String config = labels == null ? null : labels.get(KubernetesNames.CONFIGURATION_LABEL);
    ConfigurationResource c =
        config == null ? null : caches.configuration(rev.getMetadata().getNamespace(), config);
    boolean latest =
        c != null
            && c.getStatus() != null
            && rev.getMetadata().getName().equals(c.getStatus().latestCreatedRevisionName());
    return latest && !wasAvailable ? null : PodAutoscalerResource.UNREACHABLE;
  }

  private void markRoutingState(ObjectKey key, RevisionResource rev, boolean routed) {
    String state = routed ? RoutingState.ACTIVE : RoutingState.RESERVE;
    if (state.equals(RoutingState.of(rev))) {
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
