package dev.pilotlight.autoscaler.window;

/**
 * A ring of per-second buckets holding the sum of the values recorded in each second. Time is
 * passed in (nanoseconds from a ticker), so the window is deterministic under test. Averages count
 * every second from the window's start (the later of the trailing window's start and the first
 * second this window existed): a second without a recording counts as 0, which is how an idle
 * revision decays to zero. Not thread-safe: confine to one thread.
 */
public final class BucketWindow {
  private static final long SECOND = 1_000_000_000L;

  private final double[] sums;
  private final long[] seconds;
  private final long originSecond;

  /**
   * @param capacitySeconds the longest window that can be averaged, seconds (≥ 1)
   * @param originNanos when the window starts to exist; seconds before it are not averaged
   */
  public BucketWindow(int capacitySeconds, long originNanos) {
    if (capacitySeconds < 1) {
      throw new IllegalArgumentException(
          "capacitySeconds: " + capacitySeconds + " (expected: >= 1)");
    }
    sums = new double[capacitySeconds];
    seconds = new long[capacitySeconds];
    java.util.Arrays.fill(seconds, Long.MIN_VALUE);
    originSecond = Math.floorDiv(originNanos, SECOND);
  }

  public int capacitySeconds() {
    return sums.length;
  }

  /** Adds {@code value} to the bucket of the second containing {@code nowNanos}. */
  public void record(long nowNanos, double value) {
    long second = Math.floorDiv(nowNanos, SECOND);
    int i = (int) Math.floorMod(second, (long) sums.length);
    if (seconds[i] != second) {
      seconds[i] = second;
      sums[i] = 0;
    }
    sums[i] += value;
  }

  /**
   * The average per second over the trailing {@code windowSeconds} ending with the current second,
   * clipped to the window's origin; 0 when no second is in range. The current second counts only
   * once something was recorded in it: reports arrive once a second at any phase, and an empty
   * current second would otherwise read as a drop to zero.
   */
  public double average(long nowNanos, int windowSeconds) {
    int w = Math.min(windowSeconds, sums.length);
    long current = Math.floorDiv(nowNanos, SECOND);
    long now =
        seconds[(int) Math.floorMod(current, (long) sums.length)] == current
            ? current
            : current - 1;
    long from = Math.max(current - w + 1, originSecond);
    if (from > now) {
      return 0;
    }
    double total = 0;
    for (long s = from; s <= now; s++) {
      int i = (int) Math.floorMod(s, (long) sums.length);
      if (seconds[i] == s) {
        total += sums[i];
      }
    }
    return total / (now - from + 1);
  }

  /**
   * The exponentially weighted average over the same seconds as {@link #average}: the newest second
   * weighs most and each older one {@code (1 - alpha)} times less, with alpha chosen so the oldest
   * second of a full window weighs a fifth of the newest. Reacts faster to change than the linear
   * average while still smoothing over the whole window.
   */
  public double weightedAverage(long nowNanos, int windowSeconds) {
    int w = Math.min(windowSeconds, sums.length);
    long current = Math.floorDiv(nowNanos, SECOND);
    long now =
        seconds[(int) Math.floorMod(current, (long) sums.length)] == current
            ? current
            : current - 1;
    long from = Math.max(current - w + 1, originSecond);
    if (from > now) {
      return 0;
    }
    double decay = Math.pow(0.2, 1.0 / Math.max(1, w - 1));
    double weight = 1;
    double total = 0;
    double weights = 0;
    for (long s = now; s >= from; s--) {
      int i = (int) Math.floorMod(s, (long) sums.length);
      if (seconds[i] == s) {
        total += weight * sums[i];
      }
      weights += weight;
      weight *= decay;
    }
    return total / weights;
  }

  /** Whether {@code windowSeconds} of history exist since the origin. */
  public boolean isFull(long nowNanos, int windowSeconds) {
    return Math.floorDiv(nowNanos, SECOND) - originSecond + 1 >= windowSeconds;
  }
}
