package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.desired.Models;
import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.kubernetes.desired.ServiceChildren;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.kubernetes.status.ServiceConditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Service → its Configuration and Route (owned, same name), and the Service's status from theirs:
 * {@code ConfigurationsReady}, {@code RoutesReady}, {@code Ready}, the URL, the resolved traffic
 * and the latest revisions. An invalid Service leaves its children alone, so the last valid spec
 * keeps serving, and says why in {@code Ready}.
 */
final class ServiceReconciler implements Reconciler<ObjectKey> {
  private final ClusterReads reads;
  private final ClusterWrites writes;
  private final Validator validator;
  private final Clock clock;

  ServiceReconciler(ClusterReads reads, ClusterWrites writes, Validator validator, Clock clock) {
    this.reads = reads;
    this.writes = writes;
    this.validator = validator;
    this.clock = clock;
  }

  @Override
  public ReconcileResult reconcile(ObjectKey key) {
    ServiceResource service = reads.service(key);
    if (service == null || service.getMetadata().getDeletionTimestamp() != null) {
      return ReconcileResult.done();
    }
    ConfigurationResource configuration = reads.configuration(key.namespace(), key.name());
    RouteResource route = reads.route(key.namespace(), key.name());
    List<Violation> violations = validator.validate(Models.service(service));
    List<Cond> conditions;
    if (!violations.isEmpty()) {
      conditions =
          ServiceConditions.invalid(
              violations, readiness(configuration, service), readiness(route, service));
    } else {
      Cond c = configuration(service, configuration);
      Cond r = route(service, route);
      conditions = ServiceConditions.of(c, r);
    }
    ServiceResource.Status previous = service.getStatus();
    ConfigurationResource.Status cs = configuration == null ? null : configuration.getStatus();
    RouteResource.Status rs = route == null ? null : route.getStatus();
    ServiceResource.Status status =
        new ServiceResource.Status(
            service.getMetadata().getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(), conditions, clock.instant()),
            rs == null ? null : rs.url(),
            cs == null ? null : cs.latestCreatedRevisionName(),
            cs == null ? null : cs.latestReadyRevisionName(),
            rs == null ? null : rs.traffic());
    if (!status.equals(previous)) {
      writes.replaceStatus(ServiceResource.class, key, status);
    }
    return ReconcileResult.done();
  }

  private Cond configuration(ServiceResource service, ConfigurationResource existing) {
    ConfigurationResource desired = ServiceChildren.configuration(service);
    Children.Outcome outcome =
        Children.converge(
            writes,
            service,
            desired,
            existing,
            ConfigurationResource::getSpec,
            ConfigurationResource::setSpec);
    return switch (outcome) {
      case CREATED, UPDATED -> ServiceConditions.outOfDate("Configuration", name(desired));
      case NOT_OWNED ->
          Cond.isFalse(null, "NotOwned", Ownership.notOwnedMessage(existing, service));
      case UNCHANGED -> readiness(existing, service);
    };
  }

  private Cond route(ServiceResource service, RouteResource existing) {
    RouteResource desired = ServiceChildren.route(service);
    Children.Outcome outcome =
        Children.converge(
            writes, service, desired, existing, RouteResource::getSpec, RouteResource::setSpec);
    return switch (outcome) {
      case CREATED, UPDATED -> ServiceConditions.outOfDate("Route", name(desired));
      case NOT_OWNED ->
          Cond.isFalse(null, "NotOwned", Ownership.notOwnedMessage(existing, service));
      case UNCHANGED -> readiness(existing, service);
    };
  }

  /** A child's Ready once it has seen its latest spec; Unknown (OutOfDate) before. */
  private static Cond readiness(HasMetadata child, ServiceResource service) {
    if (child == null) {
      return Cond.unknown(null, "NotCreated", "not created yet");
    }
    if (!Ownership.isControlledBy(child, service)) {
      return Cond.isFalse(null, "NotOwned", Ownership.notOwnedMessage(child, service));
    }
    Long observed = null;
    List<Condition> conditions = null;
    if (child instanceof ConfigurationResource c && c.getStatus() != null) {
      observed = c.getStatus().observedGeneration();
      conditions = c.getStatus().conditions();
    } else if (child instanceof RouteResource r && r.getStatus() != null) {
      observed = r.getStatus().observedGeneration();
      conditions = r.getStatus().conditions();
    }
    if (observed == null || !Objects.equals(observed, child.getMetadata().getGeneration())) {
      return ServiceConditions.outOfDate(child.getKind(), name(child));
    }
    return Conditions.get(conditions, READY);
  }

  private static String name(HasMetadata o) {
    return o.getMetadata().getName();
  }
}
