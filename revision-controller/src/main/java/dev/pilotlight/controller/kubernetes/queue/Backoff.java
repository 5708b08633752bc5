package dev.pilotlight.controller.kubernetes.queue;

import java.time.Duration;

/**
 * Capped exponential backoff: the n-th consecutive failure waits {@code base × 2^(n-1)}, at most
 * {@code cap}.
 *
 * @param base the wait after the first failure (> 0)
 * @param cap the longest wait (>= base)
 */
public record Backoff(Duration base, Duration cap) {

  /** 50 ms doubling up to 5 minutes: a conflict with a stale cache retries at once. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(50), Duration.ofMinutes(5));

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
