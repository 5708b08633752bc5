package dev.pilotlight.simulator.trace;

import java.util.SplittableRandom;

/**
 * Execution times drawn from a function's percentiles (the Azure trace's {@code
 * percentile_Average_0,1,25,50,75,99,100}): uniform between neighbouring percentiles, so the draws
 * have those percentiles. At least a millisecond.
 */
public record DurationSampler(double[] percentiles, double[] millis) {
  /** The Azure trace's percentile columns. */
  public static final double[] AZURE_PERCENTILES = {0, 1, 25, 50, 75, 99, 100};

  private static final long MS = 1_000_000L;

  public long sampleNanos(SplittableRandom rng) {
    double u = rng.nextDouble() * 100;
    int i = 1;
    while (i < percentiles.length - 1 && percentiles[i] < u) {
      i++;
    }
    double p0 = percentiles[i - 1];
    double p1 = percentiles[i];
    double f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
    double ms = millis[i - 1] + f * (millis[i] - millis[i - 1]);
    return Math.max(MS, Math.round(ms * MS));
  }
}
