package dev.pilotlight.activator.stats;

/**
 * One revision's in-flight requests (held ones included), integrated over time: the time-weighted
 * average over each report interval, and the arrivals in it. Time is passed in. Thread-safe.
 */
public final class ConcurrencyAccumulator {
  private int inFlight;
  private long lastChangeNanos;
  private long intervalStartNanos;
  private double areaNanos; // request-nanoseconds since the interval started
  private long arrivals;

  public ConcurrencyAccumulator(long nowNanos) {
    lastChangeNanos = nowNanos;
    intervalStartNanos = nowNanos;
  }

  /** A request arrived. */
  public synchronized void arrived(long nowNanos) {
    advance(nowNanos);
    inFlight++;
    arrivals++;
  }

  /** A request finished (answered or failed). */
  public synchronized void finished(long nowNanos) {
    advance(nowNanos);
    inFlight = Math.max(0, inFlight - 1);
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  /** The interval's average concurrency and arrivals; starts the next interval. */
  public synchronized Interval close(long nowNanos) {
    advance(nowNanos);
    long length = nowNanos - intervalStartNanos;
    double average = length > 0 ? areaNanos / length : inFlight;
    Interval interval = new Interval(average, arrivals, inFlight);
    intervalStartNanos = nowNanos;
    areaNanos = 0;
    arrivals = 0;
    return interval;
  }

  private void advance(long nowNanos) {
    if (nowNanos > lastChangeNanos) {
      areaNanos += (double) inFlight * (nowNanos - lastChangeNanos);
      lastChangeNanos = nowNanos;
    }
  }

  /**
   * @param inFlight requests in flight at the interval's end
   */
  public record Interval(double averageConcurrency, long arrivals, int inFlight) {
    public boolean idle() {
      return averageConcurrency == 0 && arrivals == 0 && inFlight == 0;
    }
  }
}
