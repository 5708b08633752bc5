package dev.pilotlight.loadtest.observe;

import dev.pilotlight.api.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Samples a {@link ReplicaSource} at a fixed interval on one daemon thread and keeps the timeline.
 * A failed read is counted and skipped (the timeline has a gap); the first read happens in {@link
 * #start} so a wrong port or name fails the run before any load is sent. The timeline is bounded by
 * the run: one sample per interval.
 */
public final class ReplicaObserver implements AutoCloseable {
  private final ReplicaSource source;
  private final Ticker ticker;
  private final long originNanos;
  private final Duration interval;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "pilotlight-observer");
            t.setDaemon(true);
            return t;
          });
  private final List<ReplicaSample> samples = new ArrayList<>();
  private int failures;
  private String lastFailure;

  /**
   * @param originNanos the run's start in {@code ticker} terms: samples are timed from it
   */
  public ReplicaObserver(ReplicaSource source, Ticker ticker, long originNanos, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--observe-interval: " + interval + " (expected: > 0)");
    }
    this.source = source;
    this.ticker = ticker;
    this.originNanos = originNanos;
    this.interval = interval;
  }

  /**
   * Takes the first sample now, then one every interval.
   *
   * @throws IOException the source cannot be read
   * @throws IllegalArgumentException the source has nothing of the observed name
   */
  public void start() throws IOException {
    record(source.read());
    thread.scheduleAtFixedRate(
        this::sample, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void sample() {
    try {
      record(source.read());
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        failures++;
        lastFailure = e.getMessage();
      }
    }
  }

  private synchronized void record(Replicas r) {
    samples.add(ReplicaSample.at((ticker.nanoTime() - originNanos) / 1e9, r));
    notifyAll();
  }

  /**
   * Waits until the timeline satisfies {@code condition} (tested now and after every new sample),
   * or {@code timeout} passes.
   *
   * @return whether the condition was met
   */
  public synchronized boolean await(Predicate<List<ReplicaSample>> condition, Duration timeout)
      throws InterruptedException {
    long deadline = ticker.nanoTime() + timeout.toNanos();
    while (!condition.test(List.copyOf(samples))) {
      long left = deadline - ticker.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  public synchronized List<ReplicaSample> samples() {
    return List.copyOf(samples);
  }

  public synchronized int failures() {
    return failures;
  }

  /** The last read failure's message, or null. */
  public synchronized String lastFailure() {
    return lastFailure;
  }

  public String describe() {
    return source.describe();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    source.close();
  }
}
