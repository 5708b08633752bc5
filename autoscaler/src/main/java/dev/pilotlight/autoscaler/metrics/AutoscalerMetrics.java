package dev.pilotlight.autoscaler.metrics;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.autoscaler.intake.IntakeMetrics;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The autoscaler's metrics, in a {@link PrometheusRegistry} of its own (never the default one).
 * Series, all prefixed {@value #PREFIX}:
 *
 * <ul>
 *   <li>{@code desired_instances{revision}}: the last decided scale.
 *   <li>{@code ready_instances{revision}}: the ready instances seen at the last decision.
 *   <li>{@code panic{revision}}: 1 while the revision is in panic mode, else 0.
 *   <li>{@code stable_average{revision}}, {@code panic_average{revision}}: the stable and panic
 *       window averages of the observed metric (concurrency or requests per second) at the last
 *       decision.
 *   <li>{@code target_per_instance{revision}}: the per-instance target (target × utilization).
 *   <li>{@code tick_duration_seconds}: histogram of one decision round over every revision.
 *   <li>{@code intake_requests_total{outcome}}: stat intake requests by outcome ({@code accepted},
 *       {@code unauthorized}, {@code malformed}, {@code too_large}, {@code duplicate}: a batch
 *       delivered twice, counted once), once an intake is attached.
 * </ul>
 *
 * <p>Hot path: the decision loop holds one {@link Revision} per revision (resolved once, when the
 * revision is added) and writes its fields; the gauges read them at scrape time through callbacks,
 * so a tick allocates nothing for metrics and costs a few field writes per revision. {@link
 * #forget} drops a removed revision, so its series leave the exposition.
 */
public final class AutoscalerMetrics {
  /** Prefix of every series name. */
  public static final String PREFIX = "pilotlight_autoscaler_";

  /** Tick duration bounds in seconds: 100 µs to 10 s. */
  static final double[] TICK_BUCKETS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10
  };

  /**
   * One revision's last decision, written by the decision loop's thread, read by scrapes. Fields
   * are volatile so a scrape sees whole values.
   */
  public static final class Revision {
    private final String label;
    private volatile double desired;
    private volatile double panic;
    private volatile double stableAverage;
    private volatile double panicAverage;
    private volatile double target;
    private volatile double ready;

    Revision(String label) {
      this.label = label;
    }

    /** The decided scale and whether it was decided in panic. */
    public void decided(int desiredScale, boolean panicking) {
      desired = desiredScale;
      panic = panicking ? 1 : 0;
    }

    /** The window averages, per-instance target and ready instances a decision was made on. */
    public void observed(
        double stable, double panicWindow, double perInstanceTarget, int readyInstances) {
      stableAverage = stable;
      panicAverage = panicWindow;
      target = perInstanceTarget;
      ready = readyInstances;
    }
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<RevisionKey, Revision> revisions = new ConcurrentHashMap<>();
  private final DistributionDataPoint tick;

  public AutoscalerMetrics() {
    revisionGauge("desired_instances", "The autoscaler's last decided scale.", r -> r.desired);
    revisionGauge(
        "ready_instances",
        "Ready instances the autoscaler saw at its last decision.",
        r -> r.ready);
    revisionGauge("panic", "1 while the revision is in panic mode, else 0.", r -> r.panic);
    revisionGauge(
        "stable_average",
        "Stable window average of the observed metric (concurrency or requests per second).",
        r -> r.stableAverage);
    revisionGauge(
        "panic_average",
        "Panic window average of the observed metric (concurrency or requests per second).",
        r -> r.panicAverage);
    revisionGauge(
        "target_per_instance",
        "Per-instance target of the observed metric (target times utilization).",
        r -> r.target);
    tick =
        Histogram.builder()
            .name(PREFIX + "tick_duration_seconds")
            .help("Time of one decision round over every revision.")
            .unit(Unit.SECONDS)
            .classicUpperBounds(TICK_BUCKETS)
            .classicOnly()
            .withoutExemplars()
            .register(registry)
            .labelValues();
  }

  private void revisionGauge(String name, String help, ToDoubleFunction<Revision> value) {
    GaugeWithCallback.builder()
        .name(PREFIX + name)
        .help(help)
        .labelNames("revision")
        .callback(
            cb -> {
              for (Revision r : revisions.values()) {
                cb.call(value.applyAsDouble(r), r.label);
              }
            })
        .register(registry);
  }

  /** The revision's data points, created on first use; resolve once and keep. */
  public Revision revision(RevisionKey key) {
    return revisions.computeIfAbsent(key, k -> new Revision(k.toString()));
  }

  /** Drops a removed revision's series. */
  public void forget(RevisionKey key) {
    revisions.remove(key);
  }

  /** Records one decision round's duration. */
  public void tickTook(long nanos) {
    tick.observe(nanos / 1e9);
  }

  /** Exposes an intake's counters as {@code intake_requests_total{outcome}}. Call once. */
  public void attach(IntakeMetrics intake) {
    CounterWithCallback.builder()
        .name(PREFIX + "intake_requests_total")
        .help("Stat intake requests, by outcome.")
        .labelNames("outcome")
        .callback(
            cb -> {
              cb.call(intake.accepted(), "accepted");
              cb.call(intake.unauthorized(), "unauthorized");
              cb.call(intake.malformed(), "malformed");
              cb.call(intake.tooLarge(), "too_large");
              cb.call(intake.duplicate(), "duplicate");
            })
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
