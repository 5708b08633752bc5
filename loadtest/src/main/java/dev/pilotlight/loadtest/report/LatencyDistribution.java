package dev.pilotlight.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A run's latency distribution as (percentile, ms) points, HdrHistogram's percentile iteration at
 * five steps per halving of the remaining tail: the curve its plotter draws, a few dozen points
 * however many requests there were.
 */
public final class LatencyDistribution {
  /** Steps per halving of the distance to 100%. */
  static final int TICKS_PER_HALF_DISTANCE = 5;

  private LatencyDistribution() {}

  /** The curve of {@code micros} (latencies in microseconds), in ms; empty for no values. */
  public static List<double[]> of(Histogram micros) {
    List<double[]> points = new ArrayList<>();
    if (micros.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF_DISTANCE)) {
      points.add(
          new double[] {
            v.getPercentileLevelIteratedTo(),
            micros.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0
          });
    }
    return points;
  }

  /**
   * How many nines of the tail {@code count} values can show (99.9% needs a thousand): at least 2,
   * at most 6.
   */
  public static int nines(long count) {
    return (int) Math.max(2, Math.min(6, Math.floor(Math.log10(Math.max(1, count)))));
  }
}
