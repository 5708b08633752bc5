package dev.pilotlight.autoscaler.shell;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.objects.InformerSource;
import dev.pilotlight.api.objects.ObjectHandler;
import dev.pilotlight.api.objects.ObjectSource;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.autoscaler.Autoscaler;
import dev.pilotlight.autoscaler.metrics.AutoscalerMetrics;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The autoscaler's shell, the same in both modes: a source of PodAutoscalers (an informer on a
 * cluster, the object store in local mode) upserts each one as a {@link ScalingTarget} (and removes
 * it when deleted), the {@link Autoscaler} decides, and a {@link DesiredScaleWriter} writes each
 * decision into the PodAutoscaler's {@code status.desiredScale} through a {@link DesiredScalePatch}
 * while this replica leads. Stats come in through {@link #stats()} (the HTTP intake on a cluster,
 * the gateway in-process locally); every replica keeps deciding, so a new leader starts from warm
 * windows of whatever stats reached it. Local mode has one replica: it calls {@link #startLeading}
 * at once.
 */
public final class AutoscalerShell implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AutoscalerShell.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private volatile AutoscalerConfig config;
  private final ObjectSource<PodAutoscalerResource> podAutoscalers;
  private final ScheduledExecutorService writes;
  private final DesiredScaleWriter writer;
  private final Autoscaler autoscaler;
  private final Map<RevisionKey, ScalingTarget> upserted = new ConcurrentHashMap<>();
  private final Map<RevisionKey, String> refused = new ConcurrentHashMap<>();
  private CompletableFuture<Void> started;

  /**
   * A shell over a source of PodAutoscalers, not started, which it owns from now on: {@link #start}
   * starts it, {@link #close} closes it.
   *
   * @param patch writes a decision; called on the shell's own write thread, retried on failure
   * @param tick how often every revision's scale is decided (Knative: 2 s)
   * @param scaler the autoscaler's own thread
   * @param ticker the decider's clock
   */
  public AutoscalerShell(
      ObjectSource<PodAutoscalerResource> podAutoscalers,
      DesiredScalePatch patch,
      AutoscalerConfig config,
      Duration tick,
      ScheduledExecutorService scaler,
      Ticker ticker) {
    this.podAutoscalers = Objects.requireNonNull(podAutoscalers, "podAutoscalers");
    Objects.requireNonNull(patch, "patch");
    this.config = Objects.requireNonNull(config, "config");
    this.writes =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-autoscaler-writes");
              t.setDaemon(true);
              return t;
            });
    this.writer = new DesiredScaleWriter(new Store(patch), writes);
    this.autoscaler = new Autoscaler(scaler, ticker, tick, writer);
    podAutoscalers.addHandler(
        new ObjectHandler<>() {
          @Override
          public void onAdd(PodAutoscalerResource pa) {
            upsert(pa);
          }

          @Override
          public void onUpdate(PodAutoscalerResource before, PodAutoscalerResource pa) {
            upsert(pa);
          }

          @Override
          public void onDelete(PodAutoscalerResource pa) {
            RevisionKey key = PodAutoscalerTargets.key(pa);
            upserted.remove(key);
            refused.remove(key);
            autoscaler.remove(key);
            writer.forget(key);
          }
        });
  }

  /**
   * Kubernetes mode: a PodAutoscaler informer (resynced every 10 minutes) and a JSON merge patch of
   * the status subresource.
   *
   * @param namespace the namespace served, null for all
   * @param tick how often every revision's scale is decided (Knative: 2 s)
   * @param scaler the autoscaler's own thread
   */
  public static AutoscalerShell kubernetes(
      KubernetesClient client,
      String namespace,
      AutoscalerConfig config,
      Duration tick,
      ScheduledExecutorService scaler,
      Ticker ticker) {
    MixedOperation<
            PodAutoscalerResource,
            KubernetesResourceList<PodAutoscalerResource>,
            Resource<PodAutoscalerResource>>
        pas = client.resources(PodAutoscalerResource.class);
    return new AutoscalerShell(
        new InformerSource<>(
            (namespace == null ? pas.inAnyNamespace() : pas.inNamespace(namespace))
                .runnableInformer(Duration.ofMinutes(10).toMillis())),
        (key, desiredScale) ->
            // a merge patch of this one field: status.actualScale is the controller's
            pas.inNamespace(key.namespace())
                .withName(key.name())
                .subresource("status")
                .patch(MERGE, "{\"status\":{\"desiredScale\":" + desiredScale + "}}"),
        config,
        tick,
        scaler,
        ticker);
  }

  /**
   * A new global autoscaling config (config-autoscaler or config-deployment changed): every
   * PodAutoscaler's target is resolved again; the changed ones reach the decider, which keeps each
   * revision's windows (a new window length resizes them, as Knative does).
   */
  public synchronized void reconfigure(AutoscalerConfig next) {
    config = Objects.requireNonNull(next, "next");
    podAutoscalers.list().forEach(this::upsert);
  }

  /** The global autoscaling config in force. */
  public AutoscalerConfig config() {
    return config;
  }

  private synchronized void upsert(PodAutoscalerResource pa) {
    RevisionKey key = PodAutoscalerTargets.key(pa);
    ScalingTarget target;
    try {
      target = PodAutoscalerTargets.target(pa, config);
    } catch (ValidationException e) {
      // the controller reports invalid annotations on the Revision; keep the last valid target
      if (!e.getMessage().equals(refused.put(key, e.getMessage()))) {
        try (MDC.MDCCloseable m = MDC.putCloseable("revision", String.valueOf(key))) {
          LOG.warn("PodAutoscaler {}: not scaled by its annotations: {}", key, e.getMessage());
        }
      }
      return;
    }
    refused.remove(key);
    if (!target.equals(upserted.put(key, target))) {
      autoscaler.upsert(target);
    }
    writer.observed(key);
  }

  /** Where the activators' stats and pokes go. */
  public StatSink stats() {
    return autoscaler;
  }

  /** Starts deciding and the source (once); completes when the source has listed once. */
  public synchronized CompletableFuture<Void> start() {
    if (started == null) {
      autoscaler.start();
      started = podAutoscalers.start();
    }
    return started;
  }

  /** Whether the source has listed the PodAutoscalers. */
  public boolean synced() {
    return podAutoscalers.synced();
  }

  /** Leadership gained: write decisions from now on (those made before included). */
  public void startLeading() {
    writer.startLeading();
  }

  /** Leadership lost: stop writing at once. */
  public void stopLeading() {
    writer.stopLeading();
  }

  /** The autoscaler's series (decisions per revision, tick duration). */
  public AutoscalerMetrics metrics() {
    return autoscaler.metrics();
  }

  public boolean leading() {
    return writer.leading();
  }

  @Override
  public void close() {
    writer.stopLeading();
    podAutoscalers.close();
    autoscaler.close();
    writes.shutdownNow();
  }

  /** The PodAutoscaler cache and the status patch. */
  private final class Store implements DesiredScaleWriter.Store {
    private final DesiredScalePatch patch;

    Store(DesiredScalePatch patch) {
      this.patch = patch;
    }

    @Override
    public DesiredScaleWriter.Observed observe(RevisionKey key) {
      PodAutoscalerResource pa = podAutoscalers.get(key.namespace(), key.name());
      if (pa == null) {
        return DesiredScaleWriter.Observed.ABSENT;
      }
      return new DesiredScaleWriter.Observed(
          true, pa.getStatus() == null ? null : pa.getStatus().desiredScale());
    }

    @Override
    public void writeDesiredScale(RevisionKey key, int desiredScale) {
      patch.writeDesiredScale(key, desiredScale);
    }
  }
}
