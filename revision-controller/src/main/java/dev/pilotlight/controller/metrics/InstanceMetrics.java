package dev.pilotlight.controller.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The local node's instances per revision, read at scrape time from the runtime (nothing on the
 * instances' paths), in a {@link PrometheusRegistry} of its own. Series, prefixed {@value #PREFIX},
 * labelled {@code revision} ({@code namespace/name}):
 *
 * <ul>
 *   <li>{@code starting}, {@code ready}, {@code pending}: standard instances whose process runs but
 *       is not ready, ready, and desired but not running (not started yet or waiting to restart).
 *   <li>{@code reserve}: reserve instances running.
 *   <li>{@code restarts_total}: crashed instances restarted.
 * </ul>
 *
 * A revision the runtime no longer runs leaves the exposition.
 */
public final class InstanceMetrics {
  /** Prefix of every series name. */
  public static final String PREFIX = "pilotlight_instances_";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Supplier<List<InstanceCounts>> counts;

  /**
   * @param counts every revision's counts now, called at each scrape (once per series)
   */
  public InstanceMetrics(Supplier<List<InstanceCounts>> counts) {
    this.counts = counts;
    gauge("starting", "Instances started and not ready yet.", InstanceCounts::starting);
    gauge("ready", "Instances ready.", InstanceCounts::ready);
    gauge(
        "pending",
        "Instances desired but not running (not started yet, or waiting to restart after a crash).",
        InstanceCounts::pending);
    gauge("reserve", "Reserve instances running.", InstanceCounts::reserve);
    CounterWithCallback.builder()
        .name(PREFIX + "restarts_total")
        .help("Crashed instances restarted.")
        .labelNames("revision")
        .callback(
            cb -> {
              for (InstanceCounts c : counts.get()) {
                cb.call(c.restarts(), c.revision().toString());
              }
            })
        .register(registry);
  }

  private void gauge(String name, String help, ToDoubleFunction<InstanceCounts> value) {
    GaugeWithCallback.builder()
        .name(PREFIX + name)
        .help(help)
        .labelNames("revision")
        .callback(
            cb -> {
              for (InstanceCounts c : counts.get()) {
                cb.call(value.applyAsDouble(c), c.revision().toString());
              }
            })
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }
}
