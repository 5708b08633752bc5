package dev.pilotlight.autoscaler.scaling;

import java.time.Duration;

/**
 * Knative's initial scale: a new revision is kept at {@code initial-scale} until that many of its
 * instances have been ready at once; only then may the autoscaler take it lower (to zero when it is
 * idle). Without this rule an app that starts slower than the stable window plus the scale-to-zero
 * grace is stopped before it ever served. A revision that never gets there (a crash loop, an app
 * that does not listen) is let go after the progress deadline (Knative's {@code
 * serving.knative.dev/progress-deadline}, else config-deployment's, default ten minutes: {@link
 * dev.pilotlight.api.autoscaling.ScalingSpec#progressDeadline()}). Time is passed in. Not
 * thread-safe.
 */
public final class InitialScaleHold {
  private final int initialScale;
  private final long sinceNanos;
  private final long deadlineNanos;
  private boolean done;

  /**
   * @param initialScale the revision's initial scale (0 holds nothing)
   * @param readyNow instances ready when the revision's scaler starts (an autoscaler restart finds
   *     a revision that got there long ago)
   */
  public InitialScaleHold(int initialScale, int readyNow, long nowNanos, Duration deadline) {
    this.initialScale = initialScale;
    this.sinceNanos = nowNanos;
    this.deadlineNanos = deadline.toNanos();
    this.done = initialScale <= 0 || readyNow >= initialScale;
  }

  /** The desire to act on now: at least the initial scale while it has not been reached. */
  public int apply(long nowNanos, int desired, int ready) {
    if (!done && ready >= initialScale) {
      done = true; // Knative: the decision that finds it reached still keeps the initial scale
      return Math.max(desired, initialScale);
    }
    if (!done && nowNanos - sinceNanos >= deadlineNanos) {
      done = true;
    }
    return done ? desired : Math.max(desired, initialScale);
  }

  /** True until the initial scale was reached or the deadline passed. */
  public boolean holding() {
    return !done;
  }
}
