package dev.pilotlight.loadtest.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records each request's latency from its intended send time (so a stalled server shows in the
 * percentiles), in microseconds, into an HdrHistogram {@link Recorder}; {@link #interval} closes
 * one per-second interval and folds it into the run's total. Errors are counted by class. Recording
 * is thread-safe; {@link #interval} and {@link #total} belong to one reporting thread.
 */
public final class LatencyRecorder {
  /** Highest trackable latency: one hour, in microseconds. */
  static final long MAX_MICROS = 3_600_000_000L;

  private final Recorder recorder = new Recorder(MAX_MICROS, 3);
  private final Recorder firstByte = new Recorder(MAX_MICROS, 3);
  private final Histogram firstByteTotal = new Histogram(MAX_MICROS, 3);
  private final Histogram total = new Histogram(MAX_MICROS, 3);
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final LongAdder errorsInInterval = new LongAdder();
  private final List<Interval> intervals = new ArrayList<>();
  private final double[] segmentEnds;
  private final List<Histogram> segments = new ArrayList<>();
  private Histogram reuse;

  /** A recorder without segments. */
  public LatencyRecorder() {
    this(List.of());
  }

  /**
   * A recorder that also folds each one-second interval into the segment (a load phase, say) it
   * falls in: interval {@code (s-1, s]} goes to the first segment ending at or after {@code s},
   * intervals after the last end to the last segment.
   *
   * @param segmentEnds ends of the segments in seconds from the run's start, ascending
   */
  public LatencyRecorder(List<Double> segmentEnds) {
    this.segmentEnds = segmentEnds.stream().mapToDouble(Double::doubleValue).toArray();
    for (int i = 0; i < this.segmentEnds.length; i++) {
      segments.add(new Histogram(MAX_MICROS, 3));
    }
  }

  /** One per-second slice of the run. Latencies in milliseconds. */
  public record Interval(
      double second, long responses, long errors, double p50, double p90, double p99, double max) {}

  public void success(long latencyNanos) {
    recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1000)));
  }

  /** Time from a request's intended send time to the first byte of its response. */
  public void firstByte(long latencyNanos) {
    firstByte.recordValue(Math.min(MAX_MICROS, Math.max(0, latencyNanos / 1000)));
  }

  /**
   * A failed request: counted by {@code kind} (e.g. "status 503", "timeout", "connect refused")
   * and, when it got a response, its latency is recorded too.
   */
  public void error(String kind, long latencyNanos, boolean answered) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    errorsInInterval.increment();
    if (answered) {
      success(latencyNanos);
    }
  }

  /** Closes the interval ending at {@code second} seconds into the run. */
  public Interval interval(double second) {
    firstByteTotal.add(firstByte.getIntervalHistogram());
    reuse = recorder.getIntervalHistogram(reuse);
    total.add(reuse);
    if (!segments.isEmpty()) {
      int k = 0;
      while (k < segmentEnds.length - 1 && second > segmentEnds[k] + 1e-9) {
        k++;
      }
      segments.get(k).add(reuse);
    }
    long errs = errorsInInterval.sumThenReset();
    Interval i =
        new Interval(
            second,
            reuse.getTotalCount(),
            errs,
            millis(reuse.getValueAtPercentile(50)),
            millis(reuse.getValueAtPercentile(90)),
            millis(reuse.getValueAtPercentile(99)),
            millis(reuse.getMaxValue()));
    intervals.add(i);
    return i;
  }

  public List<Interval> intervals() {
    return List.copyOf(intervals);
  }

  /** Every latency recorded so far (closed intervals only), in microseconds. */
  public Histogram total() {
    return total;
  }

  /**
   * Folds another recorder's closed intervals and errors into this one's totals (not into its
   * intervals or segments).
   */
  public void add(LatencyRecorder other) {
    total.add(other.total);
    firstByteTotal.add(other.firstByteTotal);
    other.errors.forEach((k, v) -> errors.computeIfAbsent(k, x -> new LongAdder()).add(v.sum()));
  }

  /** The segments' latencies, in microseconds, in the order of their ends. */
  public List<Histogram> segments() {
    return List.copyOf(segments);
  }

  /** Every time to first byte recorded so far (closed intervals only), in microseconds. */
  public Histogram firstByteTotal() {
    return firstByteTotal;
  }

  public Map<String, Long> errors() {
    Map<String, Long> out = new TreeMap<>();
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  static double millis(long micros) {
    return micros / 1000.0;
  }
}
