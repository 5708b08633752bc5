package dev.pilotlight.autoscaler.scaling;

import dev.pilotlight.api.autoscaling.ScalingSpec;

/**
 * Knative's KPA decision as a pure function of (window statistics, spec, prior state, now).
 *
 * <p>Design: the raw desire is the window average over the per-instance target (target ×
 * utilization), rounded up, for the stable and the panic window. Both are bounded by the rate
 * limits relative to the ready instances. Panic mode starts when the panic desire reaches the panic
 * threshold times the ready instances and ends after a full stable window below it; while panicking
 * the scale never goes down. Until a whole stable window of data exists (after a start or restart)
 * the scale never goes below the prior decision, so a fresh autoscaler cannot scale a busy revision
 * down. Then min/max bounds, and finally scale to zero: a desire of zero is acted on only after the
 * grace period has passed since it first appeared. A revision at zero whose pilot light serves up
 * to N requests alone ({@code reserve-serves-up-to}) stays at zero while both averages are within
 * N: its reserve instance carries that traffic. No clock, logger or metrics in here: the shell
 * passes {@code now} and acts on the result.
 */
public final class ScaleDecider {
  private ScaleDecider() {}

  public static Decision decide(
      WindowStats stats, ScalingSpec spec, DeciderState prior, long nowNanos) {
    double target = spec.effectiveTarget();
    int stableDesire = ceil(stats.stableAverage() / target);
    int panicDesire = ceil(stats.panicAverage() / target);
    int ready = stats.readyInstances();
    stableDesire = rateBounded(stableDesire, ready, spec);
    panicDesire = rateBounded(panicDesire, ready, spec);

    long panicSince = panicTransition(panicDesire, ready, spec, prior.panicSinceNanos(), nowNanos);
    int desired = panicSince >= 0 ? Math.max(panicDesire, prior.desired()) : stableDesire;
    String reason = panicSince >= 0 ? "panic" : "stable";
    if (!stats.stableWindowFull() && desired < prior.desired()) {
      desired = prior.desired();
      reason = "holding until a full stable window of data";
    }
    if (desired > 0 && reserveAbsorbs(stats, spec, prior)) {
      desired = 0;
      reason =
          "the pilot light serves up to "
              + spec.reserveServesUpTo()
              + " concurrent requests alone (observed "
              + round2(Math.max(stats.stableAverage(), stats.panicAverage()))
              + ")";
    }
    desired = bounded(desired, spec, stats.routed());
    long zeroSince = -1;
    if (desired == 0 && prior.desired() > 0) {
      zeroSince = prior.zeroSinceNanos() >= 0 ? prior.zeroSinceNanos() : nowNanos;
      if (nowNanos - zeroSince < spec.lastInstanceHold().toNanos()) {
        desired = 1;
        reason = "no traffic; keeping the last instance for the grace/retention period";
      } else {
        reason = "no traffic for the stable window and the grace/retention period";
      }
    }
    double ebc = excessBurstCapacity(stats, spec);
    return new Decision(desired, new DeciderState(desired, panicSince, zeroSince), ebc, reason);
  }

  /**
   * At zero standard instances, with a reserve that serves up to N concurrent requests alone:
   * whether the observed concurrency (stable and panic averages) is within N, so none is started.
   */
  static boolean reserveAbsorbs(WindowStats stats, ScalingSpec spec, DeciderState prior) {
    int n = spec.reserveServesUpTo();
    // averages of per-second averages that never exceed n may still land a rounding error above
    double limit = n + 1e-9;
    return n > 0
        && prior.desired() == 0
        && stats.stableAverage() <= limit
        && stats.panicAverage() <= limit;
  }

  /** Rate limits: at most maxScaleUpRate × ready up, at most ready / maxScaleDownRate down. */
  static int rateBounded(int desire, int ready, ScalingSpec spec) {
    int maxUp = (int) Math.ceil(spec.maxScaleUpRate() * Math.max(1, ready));
    int maxDown = (int) Math.floor(ready / spec.maxScaleDownRate());
    return Math.min(Math.max(desire, maxDown), maxUp);
  }

  /** The panic start time after this decision, -1 when not panicking. */
  static long panicTransition(
      int panicDesire, int ready, ScalingSpec spec, long panicSince, long now) {
    boolean overThreshold = ready > 0 && panicDesire / (double) ready >= spec.panicThreshold();
    if (overThreshold) {
      return panicSince >= 0 ? panicSince : now;
    }
    if (panicSince >= 0 && now - panicSince < spec.stableWindow().toNanos()) {
      return panicSince; // stay in panic for a full stable window
    }
    return -1;
  }

  /**
   * activation-scale (the floor whenever above zero), min-scale (only while routed), max-scale,
   * enable-scale-to-zero.
   */
  static int bounded(int desired, ScalingSpec spec, boolean routed) {
    if (desired > 0) {
      desired = Math.max(desired, spec.activationScale());
    }
    if (routed) {
      desired = Math.max(desired, spec.minScale());
    }
    if (spec.maxScale() > 0) {
      desired = Math.min(desired, spec.maxScale());
    }
    if (!spec.enableScaleToZero() && routed) {
      desired = Math.max(desired, 1);
    }
    return desired;
  }

  /**
   * Knative's excess burst capacity; negative means the activator should stay in the request path.
   */
  static double excessBurstCapacity(WindowStats stats, ScalingSpec spec) {
    if (spec.targetBurstCapacity() < 0) {
      return -1;
    }
    return Math.floor(
        stats.readyInstances() * spec.target() - spec.targetBurstCapacity() - stats.panicAverage());
  }

  private static String round2(double d) {
    return Double.toString(Math.round(d * 100) / 100.0);
  }

  private static int ceil(double d) {
    return d <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.ceil(d - 1e-9));
  }
}
