package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.SERVICE_LABEL;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.controller.kubernetes.queue.ReconcileLoop;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.queue.WorkQueue;
import dev.pilotlight.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * The revision controller on Kubernetes: informers feed one work queue per kind (Service,
 * Configuration, Revision, Route), and each queue's loop runs that kind's reconciler.
 *
 * <p>Event handlers only map an object to the keys it affects and enqueue them: a Deployment,
 * headless Service, pod or PodAutoscaler to its Revision; a Revision to itself, its Configuration
 * and the Routes naming it; a Configuration to itself, its Service and the Routes naming it; a
 * Route to itself, its Service and the Revisions in its traffic. The informers run from {@link
 * #start()} (a standby replica keeps warm caches); the loops only from {@link #startReconciling()},
 * which the leader calls, so only the leader writes.
 */
public final class KubernetesController implements AutoCloseable {
  private final Caches caches;
  private final ScheduledExecutorService scheduler;
  private final ControllerSettings settings;
  private final ReconcileLoop<ObjectKey> services;
  private final ReconcileLoop<ObjectKey> configurations;
  private final ReconcileLoop<ObjectKey> revisions;
  private final ReconcileLoop<ObjectKey> routes;
  private final ControllerMetrics metrics;
  private volatile AutoscalerConfig autoscalerConfig;
  private volatile ServingConfig servingConfig;
  private boolean reconciling;
  private CompletableFuture<Void> started;

  /**
   * @param namespace the namespace served, null for all
   * @param clock wall time for status timestamps and garbage collection
   * @param ticker monotonic time for retry and requeue delays
   */
  public KubernetesController(
      KubernetesClient client,
      String namespace,
      ControllerSettings settings,
      Clock clock,
      Ticker ticker) {
    this.settings = settings;
    this.autoscalerConfig = settings.autoscalerConfig();
    this.servingConfig = new ServingConfig(settings.features(), settings.servingDefaults());
    this.metrics = new ControllerMetrics(ticker);
    this.caches = new Caches(client, namespace, settings.resync());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-controller-requeue");
              t.setDaemon(true);
              return t;
            });
    ClusterWrites writes = new Fabric8Writes(client);
    Validator validator =
        new Validator(() -> autoscalerConfig, () -> servingConfig, Validator.Mode.KUBERNETES);
    services = loop("service", new ServiceReconciler(caches, writes, validator, clock), ticker);
    configurations =
        loop(
            "configuration",
            new ConfigurationReconciler(
                caches, writes, validator, settings.gc(), clock, () -> servingConfig.defaults()),
            ticker);
    revisions =
        loop(
            "revision",
            new RevisionReconciler(
                caches, writes, clock, () -> autoscalerConfig, () -> servingConfig.defaults()),
            ticker);
    routes =
        loop(
            "route",
            new RouteReconciler(caches, writes, validator, settings.domain(), clock),
            ticker);
    registerHandlers();
  }

  private ReconcileLoop<ObjectKey> loop(
      String kind, Reconciler<ObjectKey> reconciler, Ticker ticker) {
    return new ReconcileLoop<>(
        kind, new WorkQueue<>(scheduler, ticker), reconciler, settings.backoff(), metrics);
  }

  /** The reconciles' series. */
  public ControllerMetrics metrics() {
    return metrics;
  }

  /** Starts the informers (once; later calls return the same future); completes when synced. */
  public synchronized CompletableFuture<Void> start() {
    if (started == null) {
      started = caches.start();
    }
    return started;
  }

  /** Whether every cache has listed once. */
  public boolean synced() {
    return caches.synced();
  }

  /** Starts reconciling: every known object once, then whatever changes. Call once synced. */
  public synchronized void startReconciling() {
    if (reconciling) {
      return;
    }
    reconciling = true;
    enqueueAll();
    for (ReconcileLoop<ObjectKey> l : List.of(services, configurations, revisions, routes)) {
      l.start(settings.workersPerKind());
    }
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

  /** The global autoscaling config in force. */
  public AutoscalerConfig autoscalerConfig() {
    return autoscalerConfig;
  }

  private void enqueueAll() {
    caches.services.getStore().list().forEach(o -> services.queue().add(ObjectKey.of(o)));
    caches
        .configurations
        .getStore()
        .list()
        .forEach(o -> configurations.queue().add(ObjectKey.of(o)));
    caches.revisions.getStore().list().forEach(o -> revisions.queue().add(ObjectKey.of(o)));
    caches.routes.getStore().list().forEach(o -> routes.queue().add(ObjectKey.of(o)));
  }

  private void registerHandlers() {
    on(caches.services, s -> services.queue().add(ObjectKey.of(s)));
    on(
        caches.configurations,
        c -> {
          ObjectKey key = ObjectKey.of(c);
          configurations.queue().add(key);
          label(c, SERVICE_LABEL, services);
          caches.routesOfConfiguration(key.namespace(), key.name()).forEach(this::enqueueRoute);
          if (c.getStatus() != null) {
            // the latest created revision's reachability depends on being the latest
            enqueueRevision(key.namespace(), c.getStatus().latestCreatedRevisionName());
            enqueueRevision(key.namespace(), c.getStatus().latestReadyRevisionName());
          }
        });
    on(
        caches.revisions,
        r -> {
          ObjectKey key = ObjectKey.of(r);
          revisions.queue().add(key);
          label(r, CONFIGURATION_LABEL, configurations);
          caches.routesNaming(key.namespace(), key.name()).forEach(this::enqueueRoute);
        });
    on(
        caches.routes,
        r -> {
          routes.queue().add(ObjectKey.of(r));
          label(r, SERVICE_LABEL, services);
          for (TrafficStatus t : Caches.routedTraffic(r)) {
            enqueueRevision(r.getMetadata().getNamespace(), t.revisionName());
          }
        });
    on(
        caches.podAutoscalers,
        (PodAutoscalerResource pa) -> revisions.queue().add(ObjectKey.of(pa)));
    on(caches.deployments, d -> label(d, REVISION_LABEL, revisions));
    on(caches.endpointServices, s -> label(s, REVISION_LABEL, revisions));
    on(caches.pods, p -> label(p, REVISION_LABEL, revisions));
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

  /** Registers {@code enqueue} for every add, both sides of every update, and every delete. */
  private static <T extends HasMetadata> void on(
      SharedIndexInformer<T> informer, Consumer<T> enqueue) {
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            enqueue.accept(obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            enqueue.accept(oldObj);
            enqueue.accept(newObj);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            enqueue.accept(obj);
          }
        });
  }

  /** Stops the loops (reconciles in flight finish), then the informers. */
  @Override
  public void close() {
    for (ReconcileLoop<ObjectKey> l : List.of(services, configurations, revisions, routes)) {
      l.close();
    }
    caches.close();
    scheduler.shutdownNow();
  }
}
