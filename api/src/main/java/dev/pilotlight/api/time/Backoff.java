package dev.pilotlight.api.time;

import java.time.Duration;

/**
 * Capped exponential backoff, the project's one: the n-th consecutive failure waits {@code base ×
 * 2^(n-1)}, at most {@code cap}. Failed reconciles, instance restarts, desired-scale writes,
 * upstream connects and failed accepts all wait by it.
 *
 * @param base the wait after the first failure (> 0)
 * @param cap the longest wait (>= base)
 */
public record Backoff(Duration base, Duration cap) {

  public Backoff {
    if (base == null || base.isZero() || base.isNegative()) {
      throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
    }
    if (cap == null || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: >= base " + base + ")");
    }
  }

  /**
   * @param failures consecutive failures so far, >= 1
   */
  public Duration delay(int failures) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures: " + failures + " (expected: >= 1)");
    }
    int doublings = failures - 1;
    long capNanos = cap.toNanos();
    long nanos = base.toNanos();
    for (int i = 0; i < doublings && nanos < capNanos; i++) {
      nanos = nanos > capNanos / 2 ? capNanos : nanos * 2;
    }
    return Duration.ofNanos(Math.min(nanos, capNanos));
  }
}
