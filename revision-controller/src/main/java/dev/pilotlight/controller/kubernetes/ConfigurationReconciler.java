package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.desired.Models;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import dev.pilotlight.controller.kubernetes.gc.RevisionGc;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.kubernetes.status.ConfigurationConditions;
import dev.pilotlight.controller.reconcile.RevisionStamper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Configuration → a Revision for every template change (local mode's {@link RevisionStamper}:
 * {@code <configuration>-00001}, {@code -00002}, ..., with config-defaults' timeouts and
 * concurrency where the template leaves them unset), {@code latestCreatedRevisionName} and {@code
 * latestReadyRevisionName} in its status, Ready from the latest created revision, and the
 * collection of its old revisions ({@link RevisionGc}).
 */
final class ConfigurationReconciler implements Reconciler<ObjectKey> {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigurationReconciler.class);

  private final ClusterReads reads;
  private final ClusterWrites writes;
  private final Validator validator;
  private final GcConfig gc;
  private final Clock clock;
  private final Supplier<ServingDefaults> defaults;

  ConfigurationReconciler(
      ClusterReads reads, ClusterWrites writes, Validator validator, GcConfig gc, Clock clock) {
    this(reads, writes, validator, gc, clock, () -> ServingDefaults.DEFAULTS);
  }

  /**
   * @param defaults config-defaults in force: what a new revision gets where its template says
   *     nothing (existing revisions keep what they were created with)
   */
  ConfigurationReconciler(
      ClusterReads reads,
      ClusterWrites writes,
      Validator validator,
      GcConfig gc,
      Clock clock,
      Supplier<ServingDefaults> defaults) {
    this.reads = reads;
    this.writes = writes;
    this.validator = validator;
    this.gc = gc;
    this.clock = clock;
    this.defaults = defaults;
  }

  @Override
  public ReconcileResult reconcile(ObjectKey key) {
    ConfigurationResource config = reads.configuration(key.namespace(), key.name());
    if (config == null || config.getMetadata().getDeletionTimestamp() != null) {
      return ReconcileResult.done();
    }
    List<RevisionResource> revisions = new ArrayList<>();
    for (RevisionResource r : reads.revisionsOf(key.namespace(), key.name())) {
      if (r.getMetadata().getDeletionTimestamp() == null) {
        revisions.add(r);
      }
    }
    revisions.sort(Comparator.comparingLong(r -> Models.revision(r).configurationGeneration()));
    ConfigurationResource.Status previous = config.getStatus();

    String latestCreated = revisions.isEmpty() ? null : last(revisions).getMetadata().getName();
    Cond ready;
    List<Violation> violations = validator.validate(Models.configuration(config));
    if (!violations.isEmpty()) {
      ready = ConfigurationConditions.invalid(violations);
    } else {
      RevisionStamper.Stamp stamp =
          RevisionStamper.stamp(
              Models.configuration(config),
              serviceOf(config),
              revisions.stream().map(Models::revision).toList(),
              clock.instant(),
              defaults.get());
      if (stamp instanceof RevisionStamper.NewRevision nr) {
        writes.create(RevisionChildren.revision(nr.revision(), config));
        try (MDC.MDCCloseable m =
            MDC.putCloseable("revision", key.namespace() + "/" + nr.revision().name())) {
          LOG.info("Configuration {}: stamped revision {}", key, nr.revision().name());
        }
        latestCreated = nr.revision().name();
        ready = ConfigurationConditions.ready(latestCreated, Cond.unknown(READY, null, null));
      } else if (stamp instanceof RevisionStamper.Conflict c) {
        ready = ConfigurationConditions.conflict(c.message());
      } else {
        latestCreated = ((RevisionStamper.UpToDate) stamp).latest().name();
        ready = ConfigurationConditions.ready(latestCreated, readyOf(revisions, latestCreated));
      }
    }
    String latestReady = latestReady(revisions, latestCreated, previous);
    ConfigurationResource.Status status =
        new ConfigurationResource.Status(
            config.getMetadata().getGeneration(),
            Conditions.merge(
                previous == null ? null : previous.conditions(), List.of(ready), clock.instant()),
            latestCreated,
            latestReady);
    if (!status.equals(previous)) {
      writes.replaceStatus(ConfigurationResource.class, key, status);
    }
    return collect(key, revisions, latestCreated, latestReady);
  }

  /**
   * The newest ready revision the configuration has moved to: the latest created once it is ready;
   * until then the previous one (a failing new revision never takes the traffic of a working one);
   * with no previous one, the newest ready revision.
   */
  static String latestReady(
      List<RevisionResource> revisions, String latestCreated, ConfigurationResource.Status prev) {
    if (latestCreated != null && readyOf(revisions, latestCreated).isTrue()) {
      return latestCreated;
    }
    String before = prev == null ? null : prev.latestReadyRevisionName();
    if (before != null
        && revisions.stream().anyMatch(r -> r.getMetadata().getName().equals(before))) {
      return before;
    }
    for (int i = revisions.size() - 1; i >= 0; i--) {
      RevisionResource r = revisions.get(i);
      if (r.getStatus() != null && Conditions.isTrue(r.getStatus().conditions(), READY)) {
        return r.getMetadata().getName();
      }
    }
    return null;
  }

  private static Cond readyOf(List<RevisionResource> revisions, String name) {
    return revisions.stream()
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .map(r -> Conditions.get(r.getStatus() == null ? null : r.getStatus().conditions(), READY))
        .orElse(Cond.unknown(READY, null, null));
  }

  private ReconcileResult collect(
      ObjectKey key, List<RevisionResource> revisions, String latestCreated, String latestReady) {
    Instant now = clock.instant();
    List<RevisionGc.Candidate> candidates = new ArrayList<>();
    for (RevisionResource r : revisions) {
      String name = r.getMetadata().getName();
      boolean active =
          name.equals(latestCreated)
              || name.equals(latestReady)
              || optedOut(r)
              || RoutingState.ACTIVE.equals(RoutingState.of(r))
              || !reads.routesNaming(key.namespace(), name).isEmpty();
      Instant created = Models.created(r);
      candidates.add(new RevisionGc.Candidate(name, created, lastActive(r, created), active));
    }
    RevisionGc.Plan plan = RevisionGc.plan(candidates, gc, now);
    for (String name : plan.delete()) {
      try (MDC.MDCCloseable m = MDC.putCloseable("revision", key.namespace() + "/" + name)) {
        LOG.info("Configuration {}: deleting revision {} (garbage collection)", key, name);
      }
      writes.delete(RevisionResource.class, new ObjectKey(key.namespace(), name));
    }
    return plan.recheckAt()
        .map(at -> ReconcileResult.requeueAfter(positive(Duration.between(now, at))))
        .orElse(ReconcileResult.done());
  }

  private static Duration positive(Duration d) {
    return d.isNegative() || d.isZero() ? Duration.ofSeconds(1) : d.plusSeconds(1);
  }

  private static boolean optedOut(RevisionResource r) {
    Map<String, String> a = r.getMetadata().getAnnotations();
    return a != null && "true".equalsIgnoreCase(a.get(RevisionGc.NO_GC_ANNOTATION));
  }

  private static Instant lastActive(RevisionResource r, Instant created) {
    Optional<String> modified = RoutingState.modified(r);
    if (modified.isEmpty()) {
      return created;
    }
    try {
      return Instant.parse(modified.get());
    } catch (DateTimeParseException e) {
      return created;
    }
  }

  private static String serviceOf(ConfigurationResource config) {
    Map<String, String> labels = config.getMetadata().getLabels();
    return labels == null ? null : labels.get(KubernetesNames.SERVICE_LABEL);
  }

  private static <T> T last(List<T> list) {
    return list.get(list.size() - 1);
  }
}
