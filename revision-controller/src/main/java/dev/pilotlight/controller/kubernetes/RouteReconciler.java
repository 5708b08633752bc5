package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.api.traffic.TrafficResolver;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.desired.Models;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.kubernetes.status.RouteConditions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Route → {@code status.traffic}: its traffic block resolved with local mode's {@link
 * TrafficResolver} to concrete revisions (latest: the configuration's latest ready revision, else
 * its latest created, so a revision at zero can be woken), tag URLs, {@code status.url}, and the
 * conditions {@code AllTrafficAssigned} and {@code Ready}. The activator routes by this status;
 * when the block cannot resolve, the previous traffic stays and the conditions say why.
 */
final class RouteReconciler implements Reconciler<ObjectKey> {
  private final ClusterReads reads;
  private final ClusterWrites writes;
  private final Validator validator;
  private final String domain;
  private final Clock clock;

  RouteReconciler(
      ClusterReads reads, ClusterWrites writes, Validator validator, String domain, Clock clock) {
    this.reads = reads;
    this.writes = writes;
    this.validator = validator;
    this.domain = domain;
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ObjectKey key) {
    RouteResource route = reads.route(key.namespace(), key.name());
    if (route == null || route.getMetadata().getDeletionTimestamp() != null) {
      return ReconcileResult.done();
    }
    RouteResource.Status previous = route.getStatus();
    List<TrafficStatus> traffic = previous == null ? null : previous.traffic();
    boolean serving = traffic != null && !traffic.isEmpty();
    List<Cond> conditions;
    List<Violation> violations = validator.validate(Models.route(route));
    if (!violations.isEmpty()) {
      conditions = RouteConditions.invalid(violations, serving);
    } else {
      TrafficResolver.Resolution resolution = resolve(route);
      if (resolution instanceof TrafficResolver.Resolved resolved) {
        traffic = resolved.targets().stream().map(RouteReconciler::status).toList();
        conditions = RouteConditions.resolved();
      } else {
        List<Violation> reasons = ((TrafficResolver.Unresolved) resolution).reasons();
        conditions =
            onlyWaitingForRevisions(route)
                ? RouteConditions.waiting(reasons, serving)
                : RouteConditions.unresolved(reasons, serving);
      }
    }
    RouteResource.Status status =
        new RouteResource.Status(
            route.getMetadata().getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(), conditions, clock.instant()),
            Names.url(Names.host(key.name(), key.namespace(), domain), 80),
            traffic);
    if (!status.equals(previous)) {
      writes.replaceStatus(RouteResource.class, key, status);
    }
    return ReconcileResult.done();
  }

  /**
   * Whether the traffic cannot resolve only because configurations that exist have no revision yet,
   * rather than because an entry names a revision or configuration that does not exist.
   */
  private boolean onlyWaitingForRevisions(RouteResource route) {
    String ns = route.getMetadata().getNamespace();
    var traffic = route.getSpec().traffic();
    if (traffic == null) {
      return false;
    }
    for (var t : traffic) {
      if (t.revisionName() != null) {
        if (reads.revision(ns, t.revisionName()) == null) {
          return false;
        }
      } else if (t.configurationName() == null
          || reads.configuration(ns, t.configurationName()) == null) {
        return false;
      }
    }
    return true;
  }

  private TrafficResolver.Resolution resolve(RouteResource route) {
    String ns = route.getMetadata().getNamespace();
    String name = route.getMetadata().getName();
    return TrafficResolver.resolve(
        route.getSpec().traffic(),
        null,
        config -> latestRevisionOf(ns, config),
        rev -> reads.revision(ns, rev) != null,
        tag -> Names.url(Names.tagHost(tag, name, ns, domain), 80));
  }

  private Optional<String> latestRevisionOf(String namespace, String configuration) {
    ConfigurationResource c = reads.configuration(namespace, configuration);
    if (c == null || c.getStatus() == null) {
      return Optional.empty();
    }
    String ready = c.getStatus().latestReadyRevisionName();
    String created = c.getStatus().latestCreatedRevisionName();
    String latest = ready != null ? ready : created;
    return latest != null && reads.revision(namespace, latest) != null
        ? Optional.of(latest)
        : Optional.empty();
  }

  static TrafficStatus status(ResolvedTarget t) {
    return new TrafficStatus(
        t.revisionName(),
        t.configurationName(),
        t.latestRevision(),
        (long) t.percent(),
        t.tag(),
        t.url());
  }
}
