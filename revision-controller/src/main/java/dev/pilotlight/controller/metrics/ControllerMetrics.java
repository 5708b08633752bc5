package dev.pilotlight.controller.metrics;

import dev.pilotlight.api.time.Ticker;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The Kubernetes controller's reconcile metrics, in a {@link PrometheusRegistry} of its own.
 * Series, all prefixed {@value #PREFIX}, with {@code kind} one of {@code Service}, {@code
 * Configuration}, {@code Revision}, {@code Route}:
 *
 * <ul>
 *   <li>{@code reconciles_total{kind,result}}: reconciles by result: {@code success}, {@code
 *       requeue} (done, asked to come back later), {@code conflict} (HTTP 409 from a stale cache),
 *       {@code error} (any other failure). Every result present from the start.
 *   <li>{@code reconcile_duration_seconds{kind}}: histogram of one reconcile.
 *   <li>{@code queue_depth{kind}}: keys waiting for a worker now.
 *   <li>{@code retries_total{kind}}: keys put back with backoff after a failure.
 * </ul>
 *
 * <p>Each kind's data points are resolved once ({@link #kind}); a reconcile costs two ticker reads,
 * a histogram observation and an adder increment.
 */
public final class ControllerMetrics {
  /** Prefix of every series name. */
  public static final String PREFIX = "pilotlight_controller_";

  /** The {@code result} labels. */
  public static final List<String> RESULTS = List.of("success", "requeue", "conflict", "error");

  static final double[] SECONDS_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  /** A reconcile's outcome. */
  public enum Result {
    SUCCESS,
    REQUEUE,
    CONFLICT,
    ERROR
  }

  /** One kind's data points. */
  public final class Kind {
    private final CounterDataPoint[] results = new CounterDataPoint[Result.values().length];
    private final DistributionDataPoint duration;
    private final CounterDataPoint retries;

    private Kind(String kind) {
      for (Result r : Result.values()) {
        results[r.ordinal()] = reconciles.labelValues(kind, RESULTS.get(r.ordinal()));
      }
      duration = durations.labelValues(kind);
      retries = retriesTotal.labelValues(kind);
    }

    /** The time a reconcile starts, for {@link #finished}. */
    public long start() {
      return ticker.nanoTime();
    }

    /** Counts a reconcile begun at {@code startNanos}. */
    public void finished(long startNanos, Result result) {
      duration.observe((ticker.nanoTime() - startNanos) / 1e9);
      results[result.ordinal()].inc();
    }

    /** Counts a key put back with backoff after a failure. */
    public void retried() {
      retries.inc();
    }
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Ticker ticker;
  private final Counter reconciles;
  private final Histogram durations;
  private final Counter retriesTotal;
  private final Map<String, IntSupplier> depths = new ConcurrentHashMap<>();

  public ControllerMetrics(Ticker ticker) {
    this.ticker = ticker;
    reconciles =
        Counter.builder()
            .name(PREFIX + "reconciles_total")
            .help("Reconciles, by kind and result.")
            .labelNames("kind", "result")
            .withoutExemplars()
            .register(registry);
    durations =
        Histogram.builder()
            .name(PREFIX + "reconcile_duration_seconds")
            .help("Time of one reconcile, by kind.")
            .unit(Unit.SECONDS)
            .labelNames("kind")
            .classicUpperBounds(SECONDS_BUCKETS)
            .classicOnly()
            .withoutExemplars()
            .register(registry);
    retriesTotal =
        Counter.builder()
            .name(PREFIX + "retries_total")
            .help("Keys put back with backoff after a failed reconcile, by kind.")
            .labelNames("kind")
            .withoutExemplars()
            .register(registry);
    GaugeWithCallback.builder()
        .name(PREFIX + "queue_depth")
        .help("Keys waiting for a reconcile worker now, by kind.")
        .labelNames("kind")
        .callback(cb -> depths.forEach((kind, depth) -> cb.call(depth.getAsInt(), kind)))
        .register(registry);
  }

  /**
   * The data points of {@code kind} (e.g. {@code Service}), its queue depth read from {@code
   * queueDepth} at scrape time. Call once per kind.
   */
  public Kind kind(String kind, IntSupplier queueDepth) {
    depths.put(kind, queueDepth);
    return new Kind(kind);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
