package dev.pilotlight.autoscaler.window;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * Knative's metric window ({@code TimedFloat64Buckets} / {@code WeightedFloat64Buckets}): a ring of
 * buckets (one a second by default) holding the sum of the values recorded in each. Time is passed
 * in (nanoseconds from a ticker), so the window is deterministic under test. Not thread-safe:
 * confine to one thread.
 *
 * <p>The linear average counts the buckets from the first record (never seconds before it) up to
 * the last one; buckets after the last record (trailing silence shorter than the window) are left
 * out of the count, and after a full window of silence the window is empty (average 0) and the next
 * record starts it afresh. Averages are rounded to six decimals, as Knative's are.
 *
 * <p>The weighted average ({@code metric-aggregation-algorithm: weightedExponential}) is Knative's
 * exponential smoothing: the newest bucket weighs {@code c}, each older one {@code (1 - c)} times
 * less, empty trailing buckets count as zeros, and the weights are not normalized; {@code c = max(1
 * - 0.0001^(1/buckets), 0.2)}.
 */
public final class BucketWindow {
  private static final long NEVER = Long.MIN_VALUE;
  private static final double MIN_EXPONENT = 0.2;
  private static final double WEIGHT_PRECISION = 0.9999;

  /** 10^n, as Math.pow gives it, for the rounding of every average (no pow per average). */
  private static final double[] POWERS_OF_TEN = new double[16];

  static {
    for (int n = 0; n < POWERS_OF_TEN.length; n++) {
      POWERS_OF_TEN[n] = Math.pow(10, n);
    }
  }

  private final long granularityNanos;
  private final boolean weighted;
  private long windowNanos;
  private double[] buckets;
  private double total;
  private double smoothing;
  private long firstWrite = NEVER; // bucket index
  private long lastWrite = NEVER; // bucket index

  /** A linear window with one-second buckets. */
  public static BucketWindow linear(Duration window) {
    return new BucketWindow(window, Duration.ofSeconds(1), false);
  }

  /** An exponentially weighted window with one-second buckets. */
  public static BucketWindow weighted(Duration window) {
    return new BucketWindow(window, Duration.ofSeconds(1), true);
  }

  public BucketWindow(Duration window, Duration granularity, boolean weighted) {
    if (granularity.toNanos() <= 0 || window.compareTo(granularity) < 0) {
      throw new IllegalArgumentException(
          "window " + window + " (expected: >= granularity " + granularity + " > 0)");
    }
    this.granularityNanos = granularity.toNanos();
    this.weighted = weighted;
    this.windowNanos = window.toNanos();
    this.buckets = new double[bucketCount(windowNanos)];
    this.smoothing = smoothingCoefficient(buckets.length);
  }

  /** Knative's {@code computeSmoothingCoeff}. */
  public static double smoothingCoefficient(double buckets) {
    return Math.max(1 - Math.pow(1 - WEIGHT_PRECISION, 1 / buckets), MIN_EXPONENT);
  }

  public boolean isWeighted() {
    return weighted;
  }

  public Duration window() {
    return Duration.ofNanos(windowNanos);
  }

  int bucketCount() {
    return buckets.length;
  }

  double smoothing() {
    return smoothing;
  }

  /** True when nothing was recorded for more than a window (Knative's "no data"). */
  public boolean isEmpty(long nowNanos) {
    return span(lastWrite, index(nowNanos)) > windowNanos;
  }

  /**
   * Adds {@code value} to the bucket holding {@code nowNanos}; a value older than the window is
   * dropped.
   */
  public void record(long nowNanos, double value) {
    long b = index(nowNanos);
    int n = buckets.length;
    if (lastWrite != b) {
      if (lastWrite != NEVER && span(b, lastWrite) >= windowNanos) {
        return; // older than the window
      }
      if (firstWrite == NEVER || firstWrite > b) {
        firstWrite = b;
      }
      if (lastWrite == NEVER || b > lastWrite) {
        if (span(lastWrite, b) >= windowNanos) {
          firstWrite = b;
          java.util.Arrays.fill(buckets, 0);
          total = 0;
        } else {
          for (long i = lastWrite + 1; i <= b; i++) {
            int idx = (int) Math.floorMod(i, (long) n);
            total -= buckets[idx];
            buckets[idx] = 0;
          }
        }
        lastWrite = b;
      }
    }
    buckets[(int) Math.floorMod(b, (long) n)] += value;
    total += value;
  }

  /** The window's average now: linear or weighted, as the window was made. */
  public double average(long nowNanos) {
    return weighted ? weightedAverage(nowNanos) : linearAverage(nowNanos);
  }

  private double linearAverage(long nowNanos) {
    long now = index(nowNanos);
    long d = span(lastWrite, now);
    int n = buckets.length;
    if (d <= 0) {
      double numB = Math.min(lastWrite - firstWrite + 1, n);
      return round6(total / numB);
    }
    if (d < windowNanos) {
      double ret = total;
      for (long i = lastWrite + 1; i <= now; i++) {
        ret -= buckets[(int) Math.floorMod(i, (long) n)];
      }
      double numB = Math.min(lastWrite - firstWrite + 1, n - (now - lastWrite));
      return round6(ret / numB);
    }
    return 0;
  }

  private double weightedAverage(long nowNanos) {
    long now = index(nowNanos);
    if (span(lastWrite, now) > windowNanos) {
      return 0;
    }
    int n = buckets.length;
    int numB = n;
    double multiplier = smoothing;
    if (now > lastWrite) {
      long zeros = now - lastWrite;
      multiplier *= Math.pow(1 - smoothing, zeros);
      numB -= (int) zeros;
    }
    double ret = 0;
    for (int i = 0; i < numB; i++) {
      ret += buckets[(int) Math.floorMod(lastWrite - i, (long) n)] * multiplier;
      multiplier *= 1 - smoothing;
    }
    return ret;
  }

  /**
   * Knative's {@code ResizeWindow}: a new length keeps the newest buckets that fit (when the window
   * is not empty now); the average then counts as if the old window had been full.
   */
  public void resize(long nowNanos, Duration window) {
    long w = window.toNanos();
    if (w == windowNanos) {
      return;
    }
    int newCount = bucketCount(w);
    double[] next = new double[newCount];
    double nextTotal = 0;
    if (span(lastWrite, index(nowNanos)) <= windowNanos) {
      int oldCount = buckets.length;
      long t = lastWrite;
      for (int k = 0; k < Math.min(newCount, oldCount); k++, t--) {
        double v = buckets[(int) Math.floorMod(t, (long) oldCount)];
        next[(int) Math.floorMod(t, (long) newCount)] = v;
        nextTotal += v;
      }
      firstWrite = lastWrite - (oldCount - 1);
    } else {
      firstWrite = NEVER;
    }
    windowNanos = w;
    buckets = next;
    total = nextTotal;
    if (weighted) {
      smoothing = smoothingCoefficient(newCount);
    }
  }

  /** For tests: each bucket from the last write back, as (bucket start nanos, value). */
  void forEachBucket(long nowNanos, BiConsumer<Long, Double> each) {
    if (lastWrite == NEVER) {
      return;
    }
    int count = (int) (buckets.length - (index(nowNanos) - lastWrite));
    long t = lastWrite;
    for (int k = 0; k < count; k++, t--) {
      each.accept(t * granularityNanos, buckets[(int) Math.floorMod(t, (long) buckets.length)]);
    }
  }

  long firstWriteIndex() {
    return firstWrite;
  }

  long lastWriteIndex() {
    return lastWrite;
  }

  private int bucketCount(long window) {
    return (int) Math.ceil((double) window / granularityNanos);
  }

  private long index(long nanos) {
    return Math.floorDiv(nanos, granularityNanos);
  }

  /** (to - from) in nanoseconds, saturating; from NEVER is an infinite span. */
  private long span(long from, long to) {
    if (from == NEVER) {
      return Long.MAX_VALUE;
    }
    if (to == NEVER) {
      return Long.MIN_VALUE;
    }
    long d = to - from;
    if (Math.abs(d) > Long.MAX_VALUE / granularityNanos) {
      return d > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return d * granularityNanos;
  }

  private static double round6(double f) {
    return roundToNDigits(6, f);
  }

  /** Knative's {@code roundToNDigits}: half away from zero. */
  static double roundToNDigits(int n, double f) {
    double p = n >= 0 && n < POWERS_OF_TEN.length ? POWERS_OF_TEN[n] : Math.pow(10, n);
    double scaled = f * p;
    if (Math.abs(scaled) >= 0x1p52) {
      return f; // no fraction left to round
    }
    double r = Math.signum(scaled) * Math.floor(Math.abs(scaled) + 0.5);
    return r / p + 0.0;
  }
}
