package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The revision controller on Kubernetes: the {@link Controller} (one work queue and reconciler per
 * kind) over the informers ({@link Caches}, its reads and events) and the fabric8 client ({@link
 * Fabric8Writes}). The informers run from {@link #start()} (a standby replica keeps warm caches);
 * the loops only from {@link #startReconciling()}, which the leader calls, so only the leader
 * writes.
 */
public final class KubernetesController implements AutoCloseable {
  private final Caches caches;
  private final ScheduledExecutorService scheduler;
  private final Controller controller;
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
    this.caches = new Caches(client, namespace, settings.resync());
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-controller-requeue");
              t.setDaemon(true);
              return t;
            });
    this.controller =
        new Controller(
            caches, new Fabric8Writes(client), caches, settings, clock, ticker, scheduler);
  }

  /** The reconciles' series. */
  public ControllerMetrics metrics() {
    return controller.metrics();
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
  public void startReconciling() {
    controller.startReconciling();
  }

  /**
   * A new global autoscaling config (config-autoscaler or config-deployment changed): validation
   * and every revision's Deployment and PodAutoscaler conditions use it from now on, and every
   * object is reconciled again.
   */
  public void reconfigure(AutoscalerConfig config) {
    controller.reconfigure(config);
  }

  /**
   * New config-features or config-defaults: validation, the defaults of revisions stamped from now
   * on (a revision keeps the timeouts and concurrency it was created with) and the pods' default
   * resources, container names and enableServiceLinks use them, and every object is reconciled
   * again (a Configuration refused under the old features may be valid now, or the reverse).
   */
  public void reconfigure(ServingConfig config) {
    controller.reconfigure(config);
  }

  /** config-features and config-defaults in force. */
  public ServingConfig servingConfig() {
    return controller.servingConfig();
  }

  /** The global autoscaling config in force. */
  public AutoscalerConfig autoscalerConfig() {
    return controller.autoscalerConfig();
  }

  /** Stops the loops (reconciles in flight finish), then the informers. */
  @Override
  public void close() {
    controller.close();
    caches.close();
    scheduler.shutdownNow();
  }
}
