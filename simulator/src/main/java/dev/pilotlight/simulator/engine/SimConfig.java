package dev.pilotlight.simulator.engine;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import java.time.Duration;

/**
 * What every replay of one simulation shares.
 *
 * @param coldStart how long an instance (standard or reserve) takes from start to ready
 * @param reserveFraction the reserve's memory as a fraction of a standard instance's
 * @param containerConcurrency every revision's {@code containerConcurrency}, 0 = unlimited
 * @param timeout every revision's request timeout (the reserve's drain limit)
 * @param seed arrival instants within a minute, sampled durations, the gateway's random picks
 * @param autoscaler the global autoscaler configuration (Knative's config-autoscaler)
 * @param statInterval how often the gateway reports concurrency
 */
public record SimConfig(
    Duration coldStart,
    double reserveFraction,
    int containerConcurrency,
    Duration timeout,
    long seed,
    AutoscalerConfig autoscaler,
    Duration statInterval) {

  public static SimConfig defaults() {
    return new SimConfig(
        Duration.ofSeconds(2),
        0.25,
        0,
        Duration.ofSeconds(300),
        1,
        AutoscalerConfig.DEFAULTS,
        Duration.ofSeconds(1));
  }

  public SimConfig withSeed(long s) {
    return new SimConfig(
        coldStart, reserveFraction, containerConcurrency, timeout, s, autoscaler, statInterval);
  }

  public SimConfig withColdStart(Duration d) {
    return new SimConfig(
        d, reserveFraction, containerConcurrency, timeout, seed, autoscaler, statInterval);
  }

  public SimConfig withReserveFraction(double f) {
    return new SimConfig(
        coldStart, f, containerConcurrency, timeout, seed, autoscaler, statInterval);
  }

  public SimConfig withContainerConcurrency(int cc) {
    return new SimConfig(coldStart, reserveFraction, cc, timeout, seed, autoscaler, statInterval);
  }

  public SimConfig withAutoscaler(AutoscalerConfig c) {
    return new SimConfig(
        coldStart, reserveFraction, containerConcurrency, timeout, seed, c, statInterval);
  }
}
