package dev.pilotlight.loadtest.scenario;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/** Pure questions about a replica timeline (samples in time order). */
public final class Timeline {
  private Timeline() {}

  /** A change worth marking on the charts. */
  public record ScaleEvent(double t, String what) {}

  /** The latest sample is at zero standard instances. */
  public static boolean lastAtZero(List<ReplicaSample> samples) {
    return !samples.isEmpty() && samples.get(samples.size() - 1).atZero();
  }

  /**
   * The latest sample is at zero standard instances with the pilot light lit (a reserve ready): a
   * request now meets the reserve, not a cold start.
   */
  public static boolean lastAtZeroWithReserve(List<ReplicaSample> samples) {
    return lastAtZero(samples) && samples.get(samples.size() - 1).reserve() > 0;
  }

  /** The highest desired count sampled in {@code [from, to]}; 0 when none was sampled there. */
  public static int peakDesired(List<ReplicaSample> samples, double from, double to) {
    int peak = 0;
    for (ReplicaSample s : samples) {
      if (s.t() >= from && s.t() <= to) {
        peak = Math.max(peak, s.desired());
      }
    }
    return peak;
  }

  /** The time of the first sample at or after {@code from} that satisfies {@code condition}. */
  public static OptionalDouble first(
      List<ReplicaSample> samples, double from, Predicate<ReplicaSample> condition) {
    for (ReplicaSample s : samples) {
      if (s.t() >= from && condition.test(s)) {
        return OptionalDouble.of(s.t());
      }
    }
    return OptionalDouble.empty();
  }

  /** Every change of the desired count and of the reserve, in order. */
  public static List<ScaleEvent> events(List<ReplicaSample> samples) {
    List<ScaleEvent> events = new ArrayList<>();
    ReplicaSample prev = null;
    for (ReplicaSample s : samples) {
      if (prev != null && s.desired() != prev.desired()) {
        events.add(
            new ScaleEvent(
                s.t(),
                (s.desired() > prev.desired() ? "scale up " : "scale down ")
                    + prev.desired()
                    + " → "
                    + s.desired()));
      }
      if (prev != null && s.reserve() != prev.reserve()) {
        events.add(
            new ScaleEvent(s.t(), s.reserve() > prev.reserve() ? "reserve ready" : "reserve gone"));
      }
      prev = s;
    }
    return events;
  }
}
