package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.SERVICE_LABEL;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.controller.kubernetes.queue.ReconcileLoop;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.queue.WorkQueue;
import dev.pilotlight.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The revision controller, whatever holds the objects: one work queue and reconciler per kind
 * (Service, Configuration, Revision, Route) over {@link ClusterReads} and {@link ClusterWrites},
 * fed by {@link ClusterEvents}. On Kubernetes {@link KubernetesController} wraps it around the
 * informers and the fabric8 client; in local mode it runs over the embedded object store.
 *
 * <p>Event handlers only map an object to the keys it affects and enqueue them: a Deployment,
 * headless Service, pod or PodAutoscaler to its Revision; a Revision to itself, its Configuration
 * and the Routes naming it; a Configuration to itself, its Service and the Routes naming it; a
 * Route to itself, its Service and the Revisions in its traffic. They are registered at
 * construction; the loops run only from {@link #startReconciling}, so only a leader writes.
 */
public final class Controller implements AutoCloseable {
  private final ClusterReads reads;
  private final ControllerSettings settings;
  private final ReconcileLoop<ObjectKey> services;
  private final ReconcileLoop<ObjectKey> configurations;
  private final ReconcileLoop<ObjectKey> revisions;
  private final ReconcileLoop<ObjectKey> routes;
  private final List<ReconcileLoop<ObjectKey>> loops;
  private final ControllerMetrics metrics;
  private volatile AutoscalerConfig autoscalerConfig;
  private volatile ServingConfig servingConfig;
  private boolean reconciling;

  /**
   * @param clock wall time for status timestamps and garbage collection
   * @param ticker monotonic time for retry and requeue delays (the scheduler's)
   * @param scheduler runs the work queues' delayed adds (retries, requeues); the caller's to stop
   */
  public Controller(
      ClusterReads reads,
      ClusterWrites writes,
      ClusterEvents events,
      ControllerSettings settings,
      Clock clock,
      Ticker ticker,
      ScheduledExecutorService scheduler) {
    this.reads = reads;
    this.settings = settings;
    this.autoscalerConfig = settings.autoscalerConfig();
    this.servingConfig = new ServingConfig(settings.features(), settings.servingDefaults());
    this.metrics = new ControllerMetrics(ticker);
    Validator validator =
        new Validator(() -> autoscalerConfig, () -> servingConfig, settings.validation());
    services =
        loop("service", new ServiceReconciler(reads, writes, validator, clock), scheduler, ticker);
    configurations =
        loop(
            "configuration",
            new ConfigurationReconciler(
                reads, writes, validator, settings.gc(), clock, () -> servingConfig.defaults()),
            scheduler,
            ticker);
    revisions =
        loop(
            "revision",
            new RevisionReconciler(
                reads, writes, clock, () -> autoscalerConfig, () -> servingConfig.defaults()),
            scheduler,
            ticker);
    routes =
        loop(
            "route",
            new RouteReconciler(reads, writes, validator, settings.domain(), clock),
            scheduler,
            ticker);
    loops = List.of(services, configurations, revisions, routes);
    registerHandlers(events);
  }

  private ReconcileLoop<ObjectKey> loop(
      String kind,
      Reconciler<ObjectKey> reconciler,
      ScheduledExecutorService scheduler,
      Ticker ticker) {
    return new ReconcileLoop<>(
        kind, new WorkQueue<>(scheduler, ticker), reconciler, settings.backoff(), metrics);
  }

  /** The reconciles' series. */
  public ControllerMetrics metrics() {
    return metrics;
  }

  /**
   * Starts reconciling: every known object once, then whatever changes, on {@code workersPerKind}
   * threads per kind. Call once the reads are synced.
   */
  public synchronized void startReconciling() {
    if (reconciling) {
      return;
    }
    reconciling = true;
    enqueueAll();
    for (ReconcileLoop<ObjectKey> l : loops) {
      l.start(settings.workersPerKind());
    }
  }

  /**
   * Reconciles every known object once more, and from now on whatever changes, without threads: the
   * caller drives the loops with {@link #reconcileNext()} (single-threaded drivers, manual time in
   * tests). Not to be mixed with {@link #startReconciling()}.
   */
  public synchronized void reconcileManually() {
    reconciling = true;
    enqueueAll();
  }

  /**
   * Reconciles one queued key, of the first kind that has one (Service, Configuration, Revision,
   * Route), on the caller's thread; false when every queue is empty (keys parked for a retry or a
   * requeue come back when the scheduler's time reaches them).
   */
  public boolean reconcileNext() {
    for (ReconcileLoop<ObjectKey> l : loops) {
      if (l.processNext()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A new global autoscaling config (config-autoscaler or config-deployment changed): validation
   * and every revision's Deployment and PodAutoscaler conditions use it from now on, and every
   * object is reconciled again.
   */
  public synchronized void reconfigure(AutoscalerConfig config) {
    autoscalerConfig = config;
    if (reconciling) {
      enqueueAll();
    }
  }

  /** The global autoscaling config in force. */
  public AutoscalerConfig autoscalerConfig() {
    return autoscalerConfig;
  }

  /**
   * New config-features or config-defaults: validation, the defaults of revisions stamped from now
   * on (a revision keeps the timeouts and concurrency it was created with) and the pods' default
   * resources, container names and enableServiceLinks use them, and every object is reconciled
   * again (a Configuration refused under the old features may be valid now, or the reverse).
   */
  public synchronized void reconfigure(ServingConfig config) {
    servingConfig = config;
    if (reconciling) {
      enqueueAll();
    }
  }

  /** config-features and config-defaults in force. */
  public ServingConfig servingConfig() {
    return servingConfig;
  }

  private void enqueueAll() {
    reads.list(ServiceResource.class).forEach(o -> services.queue().add(ObjectKey.of(o)));
    reads
        .list(ConfigurationResource.class)
        .forEach(o -> configurations.queue().add(ObjectKey.of(o)));
    reads.list(RevisionResource.class).forEach(o -> revisions.queue().add(ObjectKey.of(o)));
    reads.list(RouteResource.class).forEach(o -> routes.queue().add(ObjectKey.of(o)));
  }

  private void registerHandlers(ClusterEvents events) {
    events.onChange(ServiceResource.class, s -> services.queue().add(ObjectKey.of(s)));
    events.onChange(
        ConfigurationResource.class,
        c -> {
          ObjectKey key = ObjectKey.of(c);
          configurations.queue().add(key);
          label(c, SERVICE_LABEL, services);
          reads.routesOfConfiguration(key.namespace(), key.name()).forEach(this::enqueueRoute);
          if (c.getStatus() != null) {
            // the latest created revision's reachability depends on being the latest
            enqueueRevision(key.namespace(), c.getStatus().latestCreatedRevisionName());
            enqueueRevision(key.namespace(), c.getStatus().latestReadyRevisionName());
          }
        });
    events.onChange(
        RevisionResource.class,
        r -> {
          ObjectKey key = ObjectKey.of(r);
          revisions.queue().add(key);
          label(r, CONFIGURATION_LABEL, configurations);
          reads.routesNaming(key.namespace(), key.name()).forEach(this::enqueueRoute);
        });
    events.onChange(
        RouteResource.class,
        r -> {
          routes.queue().add(ObjectKey.of(r));
          label(r, SERVICE_LABEL, services);
          for (TrafficStatus t : ClusterIndexes.routedTraffic(r)) {
            enqueueRevision(r.getMetadata().getNamespace(), t.revisionName());
          }
        });
    events.onChange(PodAutoscalerResource.class, pa -> revisions.queue().add(ObjectKey.of(pa)));
    events.onChange(Deployment.class, d -> label(d, REVISION_LABEL, revisions));
    events.onChange(Service.class, s -> label(s, REVISION_LABEL, revisions));
    events.onChange(Pod.class, p -> label(p, REVISION_LABEL, revisions));
  }

  private void enqueueRevision(String namespace, String name) {
    if (name != null) {
      revisions.queue().add(new ObjectKey(namespace, name));
    }
  }

  private void enqueueRoute(RouteResource r) {
    routes.queue().add(ObjectKey.of(r));
  }

  private static void label(HasMetadata o, String label, ReconcileLoop<ObjectKey> loop) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String v = labels == null ? null : labels.get(label);
    if (v != null) {
      loop.queue().add(new ObjectKey(o.getMetadata().getNamespace(), v));
    }
  }

  /** Stops the loops; reconciles in flight finish. */
  @Override
  public void close() {
    for (ReconcileLoop<ObjectKey> l : loops) {
      l.close();
    }
  }
}
