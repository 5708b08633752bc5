package dev.pilotlight.loadtest.report;

import dev.pilotlight.loadtest.record.LatencyRecorder;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The totals of a run.
 *
 * @param requests requests that got a response or failed without one
 * @param errors failed requests, by kind in {@code errorKinds}
 * @param throughputRps responses per second while the load was sent (an open loop's idle phases
 *     left out)
 * @param latencyMs p50, p90, p99 and max from intended send time to last byte
 * @param firstByteMs the same percentiles to the first byte of the response
 */
public record Summary(
    long requests,
    long errors,
    Map<String, Long> errorKinds,
    double throughputRps,
    Percentiles latencyMs,
    Percentiles firstByteMs) {

  /** Percentiles in milliseconds. */
  public record Percentiles(double p50, double p90, double p99, double max) {
    static Percentiles of(Histogram micros) {
      return new Percentiles(
          micros.getValueAtPercentile(50) / 1000.0,
          micros.getValueAtPercentile(90) / 1000.0,
          micros.getValueAtPercentile(99) / 1000.0,
          micros.getMaxValue() / 1000.0);
    }
  }

  /**
   * @param seconds how long the load was sent: an open loop's phases with a rate, a closed loop's
   *     length, a burst's time to its last response
   */
  public static Summary of(LatencyRecorder recorder, double seconds) {
    Histogram h = recorder.total();
    Map<String, Long> kinds = recorder.errors();
    long errors = kinds.values().stream().mapToLong(Long::longValue).sum();
    long unanswered =
        kinds.entrySet().stream()
            .filter(e -> !e.getKey().startsWith("status "))
            .mapToLong(Map.Entry::getValue)
            .sum();
    return new Summary(
        h.getTotalCount() + unanswered,
        errors,
        kinds,
        h.getTotalCount() / Math.max(0.001, seconds),
        Percentiles.of(h),
        Percentiles.of(recorder.firstByteTotal()));
  }
}
