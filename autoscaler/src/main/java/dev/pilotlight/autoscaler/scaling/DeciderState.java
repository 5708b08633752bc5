package dev.pilotlight.autoscaler.scaling;

/**
 * What the deciders remember between decisions of one revision.
 *
 * @param desired the last desired scale
 * @param panicSinceNanos the last over-threshold decision of the current panic, or -1 when not
 *     panicking (Knative's {@code panicTime})
 * @param maxPanicPods the highest desire of the current panic (Knative's {@code maxPanicPods})
 * @param zeroSinceNanos when the revision could first have gone to zero (grace and retention count
 *     from it), or -1
 * @param activeSinceNanos since when instances have been ready, {@link Long#MIN_VALUE} for long
 *     ago, -1 while none are
 */
public record DeciderState(
    int desired,
    long panicSinceNanos,
    int maxPanicPods,
    long zeroSinceNanos,
    long activeSinceNanos) {
  public static final long LONG_AGO = Long.MIN_VALUE;

  /**
   * Knative's start: with more than one ready instance (an autoscaler restart) the decider starts
   * in panic, so it cannot scale a serving revision down before it has the data to.
   */
  public static DeciderState initial(int desired, int ready, long nowNanos) {
    return new DeciderState(
        desired, ready > 1 ? nowNanos : -1, ready, -1, ready > 0 ? LONG_AGO : -1);
  }

  public boolean panicking() {
    return panicSinceNanos >= 0;
  }

  public DeciderState withDesired(int d) {
    return new DeciderState(d, panicSinceNanos, maxPanicPods, zeroSinceNanos, activeSinceNanos);
  }
}
