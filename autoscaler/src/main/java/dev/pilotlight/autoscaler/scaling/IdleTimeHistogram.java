package dev.pilotlight.autoscaler.scaling;

import java.util.Arrays;

/**
 * One revision's idle times (from the end of one active period to the next request) in one-minute
 * bins up to {@link #RANGE_MINUTES} minutes, plus a count of longer ones: the histogram of
 * "Serverless in the Wild" (Shahrad et al., USENIX ATC 2020). Fixed size (a little under 1 KiB per
 * revision whatever the traffic): when the count reaches {@link #MAX_COUNT} every bin is halved, so
 * old idle times fade as new ones come. Not thread-safe; time is passed in as lengths.
 */
public final class IdleTimeHistogram {
  /** The histogram's range: four hours of one-minute bins. */
  public static final int RANGE_MINUTES = 240;

  /** Counts are halved when they reach this many idle times. */
  public static final int MAX_COUNT = 1 << 12;

  static final long MINUTE = 60_000_000_000L;

  private final int[] bins = new int[RANGE_MINUTES];
  private int outOfRange;
  private int count;
  private Prewarm.Prediction prediction;

  /** Adds one idle time. */
  public void record(long idleNanos) {
    long bin = Math.max(0, idleNanos) / MINUTE;
    if (bin >= RANGE_MINUTES) {
      outOfRange++;
    } else {
      bins[(int) bin]++;
    }
    count++;
    if (count >= MAX_COUNT) {
      age();
    }
    prediction = null;
  }

  private void age() {
    count = 0;
    for (int i = 0; i < bins.length; i++) {
      bins[i] >>= 1;
      count += bins[i];
    }
    outOfRange >>= 1;
    count += outOfRange;
  }

  /** Idle times held (after aging). */
  public int count() {
    return count;
  }

  /** Idle times longer than the range. */
  public int outOfRange() {
    return outOfRange;
  }

  /**
   * The bin (minutes) holding the {@code percentile}-th idle time, or -1 when it lies beyond the
   * range (or the histogram is empty).
   */
  public int percentileBin(double percentile) {
    if (count == 0) {
      return -1;
    }
    double rank = Math.max(1, Math.ceil(percentile / 100 * count));
    long cumulative = 0;
    for (int i = 0; i < bins.length; i++) {
      cumulative += bins[i];
      if (cumulative >= rank) {
        return i;
      }
    }
    return -1;
  }

  /** The prediction from the idle times so far, computed once per change. */
  public Prewarm.Prediction prediction() {
    if (prediction == null) {
      prediction = Prewarm.predict(this);
    }
    return prediction;
  }

  @Override
  public String toString() {
    return "IdleTimeHistogram{count="
        + count
        + ", outOfRange="
        + outOfRange
        + ", bins="
        + Arrays.toString(bins)
        + "}";
  }
}
