package dev.pilotlight.autoscaler.scaling;

import dev.pilotlight.api.autoscaling.ScalingSpec;

/**
 * Knative's KPA decision as pure functions of their inputs and {@code now}, in Knative's two
 * stages.
 *
 * <p>{@link #scale} is the decider ({@code pkg/autoscaler/scaling/autoscaler.go}): the desire of
 * each window is its average over the per-instance target, rounded up, kept within the rate limits
 * relative to max(1, ready) (no scale-down limit for an unreachable revision), lifted to the
 * activation scale when above zero. Panic starts when the raw panic desire reaches the threshold
 * times max(1, ready) and lasts until a full stable window has passed since the last such decision;
 * while panicking the desire is the highest of the stable desire, the panic desire and every desire
 * of this panic. Without data it gives no answer. Excess burst capacity is 0 with no target burst
 * capacity, -1 when unlimited, else ready × capacity − target burst capacity − panic average.
 *
 * <p>{@link #settle} is the reconciler's part ({@code pkg/reconciler/autoscaling/kpa/scaler.go}):
 * min-scale (reachable only) and max-scale, then zero: with scale-to-zero disabled one instance; an
 * instance that has been ready for less than a stable window is kept; then the last instance is
 * kept for the longer of the grace period and (reachable only) the pod retention period.
 *
 * <p>No clock, logger or metrics in here: the shell passes {@code now} and acts on the result.
 */
public final class ScaleDecider {
  private ScaleDecider() {}

  /**
   * Both stages for one revision: the decider, the scale-down delay when reachable (null: none),
   * the pilot light's reserve (a revision at zero whose reserve serves the observed concurrency
   * alone stays at zero), then the reconciler's bounds and scale to zero. Null when there is no
   * data to decide on: the last decision stands.
   */
  public static Decision decide(
      WindowStats stats,
      ScalingSpec spec,
      DeciderSpec ds,
      DeciderState prior,
      long now,
      ScaleDownDelay delay) {
    ScaleResult r = scale(ds, stats, prior.panicSinceNanos(), prior.maxPanicPods(), now);
    if (!r.valid()) {
      return null;
    }
    int desired = r.desired();
    String why = null;
    if (ds.reachable() && delay != null) {
      int d = delay.apply(now, desired, spec.scaleDownDelay().toNanos());
      if (d != desired) {
        why =
            "scale-down delay: the highest desire of the last "
                + spec.scaleDownDelay().toSeconds()
                + "s";
        desired = d;
      }
    }
    if (desired > 0 && reserveAbsorbs(stats, spec, prior.desired())) {
      desired = 0;
      why =
          "the pilot light serves up to "
              + spec.reserveServesUpTo()
              + " concurrent requests alone (observed "
              + round2(Math.max(stats.stableAverage(), stats.panicAverage()))
              + ")";
    }
    DeciderState withPanic =
        new DeciderState(
            prior.desired(),
            r.panicSinceNanos(),
            r.maxPanicPods(),
            prior.zeroSinceNanos(),
            prior.activeSinceNanos());
    Decision d = settle(spec, ds.reachable(), desired, stats.readyInstances(), withPanic, now);
    String reason = d.reason();
    if (d.desired() == desired) {
      reason = why != null ? why : r.panicSinceNanos() >= 0 ? "panic" : reason;
    }
    return new Decision(d.desired(), d.state(), r.excessBurstCapacity(), reason);
  }

  /** Both stages without a scale-down delay. */
  public static Decision decide(
      WindowStats stats, ScalingSpec spec, boolean reachable, DeciderState prior, long now) {
    return decide(stats, spec, DeciderSpec.of(spec, reachable), prior, now, null);
  }

  private static String round2(double d) {
    return Double.toString(Math.round(d * 100) / 100.0);
  }

  /** Knative's {@code autoscaler.Scale}. */
  public static ScaleResult scale(
      DeciderSpec spec, WindowStats stats, long panicSince, int maxPanicPods, long now) {
    if (!stats.hasData()) {
      return new ScaleResult(false, 0, 0, panicSince, maxPanicPods);
    }
    int originalReady = stats.readyInstances();
    double ready = Math.max(1, originalReady);
    double maxScaleUp = Math.ceil(spec.maxScaleUpRate() * ready);
    double maxScaleDown = spec.reachable() ? Math.floor(ready / spec.maxScaleDownRate()) : 0;
    double dspc = Math.ceil(stats.stableAverage() / spec.targetValue());
    double dppc = Math.ceil(stats.panicAverage() / spec.targetValue());
    int stableDesire = toInt(Math.min(Math.max(dspc, maxScaleDown), maxScaleUp));
    int panicDesire = toInt(Math.min(Math.max(dppc, maxScaleDown), maxScaleUp));
    int activation = spec.activationScale();
    if (activation > 1) {
      if (dspc > 0 && activation > stableDesire) {
        stableDesire = activation;
      }
      if (dppc > 0 && activation > panicDesire) {
        panicDesire = activation;
      }
    }
    boolean over = dppc / ready >= spec.panicThreshold();
    if (over) {
      panicSince = now; // begin, or extend: panic lasts a stable window after the last such tick
    } else if (panicSince >= 0 && panicSince + spec.stableWindowNanos() < now) {
      panicSince = -1;
      maxPanicPods = 0;
    }
    int desired = stableDesire;
    if (panicSince >= 0) {
      desired = Math.max(desired, panicDesire);
      maxPanicPods = Math.max(maxPanicPods, desired);
      desired = maxPanicPods; // never down while panicking
    }
    double ebc = -1;
    if (spec.targetBurstCapacity() == 0) {
      ebc = 0;
    } else if (spec.targetBurstCapacity() > 0) {
      ebc =
          Math.floor(
              originalReady * spec.totalValue()
                  - spec.targetBurstCapacity()
                  - stats.panicAverage());
    }
    return new ScaleResult(true, desired, toInt(ebc), panicSince, maxPanicPods);
  }

  /**
   * The reconciler's bounds and scale to zero, applied to the decider's (delayed) desire. {@code
   * prior} carries the zero and active clocks; the returned decision's state has them updated (its
   * panic fields are the prior's).
   */
  public static Decision settle(
      ScalingSpec spec, boolean reachable, int desired, int ready, DeciderState prior, long now) {
    long activeSince = prior.activeSinceNanos();
    if (ready > 0 && activeSince == -1) {
      activeSince = now;
    } else if (ready == 0) {
      activeSince = -1;
    }
    String reason = "stable";
    int min = reachable ? spec.minScale() : 0;
    if (desired < min) {
      desired = min;
      reason = "min-scale";
    }
    if (spec.maxScale() > 0 && desired > spec.maxScale()) {
      desired = spec.maxScale();
      reason = "max-scale";
    }
    long zeroSince = -1;
    if (desired == 0 && prior.desired() > 0) {
      if (!spec.enableScaleToZero()) {
        desired = 1;
        reason = "scale to zero is disabled";
      } else if (activeSince != -1
          && activeSince != DeciderState.LONG_AGO
          && now - activeSince < spec.stableWindow().toNanos()) {
        desired = 1;
        reason = "no traffic, but ready for less than a stable window";
      } else {
        zeroSince = prior.zeroSinceNanos() >= 0 ? prior.zeroSinceNanos() : now;
        long retention = reachable ? spec.scaleToZeroRetention().toNanos() : 0;
        long hold = Math.max(spec.scaleToZeroGrace().toNanos(), retention);
        if (now - zeroSince < hold) {
          desired = 1;
          reason = "no traffic; keeping the last instance for the grace/retention period";
        } else {
          reason = "no traffic for the stable window and the grace/retention period";
        }
      }
    } else if (desired == 0 && !spec.enableScaleToZero()) {
      desired = 1;
      reason = "scale to zero is disabled";
    }
    DeciderState next =
        new DeciderState(
            desired, prior.panicSinceNanos(), prior.maxPanicPods(), zeroSince, activeSince);
    return new Decision(desired, next, 0, reason);
  }

  /**
   * At zero standard instances, with a reserve that serves up to N concurrent requests alone:
   * whether the observed concurrency (stable and panic averages) is within N, so none is started.
   */
  public static boolean reserveAbsorbs(WindowStats stats, ScalingSpec spec, int priorDesired) {
    int n = spec.reserveServesUpTo();
    // averages of per-second averages that never exceed n may still land a rounding error above
    double limit = n + 1e-9;
    return n > 0
        && priorDesired == 0
        && stats.stableAverage() <= limit
        && stats.panicAverage() <= limit;
  }

  private static int toInt(double d) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, d));
  }
}
