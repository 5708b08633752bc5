package dev.pilotlight.autoscaler.scaling;

import java.util.ArrayDeque;

/**
 * Knative's scale-down delay: the scale follows increases at once but decreases only to the highest
 * desire seen over the trailing delay, so a short dip in traffic does not stop instances that will
 * be needed again. A monotonic queue keeps it O(1) amortized and bounded by the ticks in the delay.
 * Time is passed in. Not thread-safe.
 */
public final class ScaleDownDelay {
  private record Entry(long nanos, int desired) {}

  private final ArrayDeque<Entry> window = new ArrayDeque<>();

  /** The desire to act on now; {@code delayNanos} 0 disables the delay. */
  public int apply(long nowNanos, int desired, long delayNanos) {
    if (delayNanos <= 0) {
      window.clear();
      return desired;
    }
    while (!window.isEmpty() && nowNanos - window.peekFirst().nanos() >= delayNanos) {
      window.pollFirst();
    }
    while (!window.isEmpty() && window.peekLast().desired() <= desired) {
      window.pollLast();
    }
    window.addLast(new Entry(nowNanos, desired));
    return window.peekFirst().desired();
  }
}
