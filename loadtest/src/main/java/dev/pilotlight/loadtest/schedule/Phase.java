package dev.pilotlight.loadtest.schedule;

import java.time.Duration;

/**
 * A stretch of constant load.
 *
 * @param duration how long the phase lasts
 * @param rate requests per second sent during it (0 = idle)
 */
public record Phase(Duration duration, double rate) {
  public Phase {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0 requests/second)");
    }
  }
}
