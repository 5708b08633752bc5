package dev.pilotlight.autoscaler.loop;

import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.autoscaler.scaling.DeciderState;
import dev.pilotlight.autoscaler.scaling.Decision;
import dev.pilotlight.autoscaler.scaling.InitialScaleHold;
import dev.pilotlight.autoscaler.scaling.ScaleDecider;
import dev.pilotlight.autoscaler.scaling.ScaleDownDelay;
import dev.pilotlight.autoscaler.scaling.WindowStats;
import dev.pilotlight.autoscaler.window.BucketWindow;

/**
 * One revision's metric window and decider state. Confined to the autoscaler's scheduler thread.
 * The window is rebuilt when the stable window changes length; the decider state survives.
 */
final class RevisionScaler {
  private ScalingTarget target;
  private BucketWindow window;
  private DeciderState state;
  private final ScaleDownDelay scaleDownDelay = new ScaleDownDelay();
  private final InitialScaleHold initialScaleHold;
  private ScaleDecision lastPublished;

  RevisionScaler(ScalingTarget target, long nowNanos) {
    this.target = target;
    this.window = new BucketWindow(windowSeconds(target.spec()), nowNanos);
    // After an autoscaler restart the revision may be serving with many instances: start from them,
    // not from initial-scale, so no history never means a scale-down.
    this.state =
        DeciderState.initial(Math.max(target.spec().initialScale(), target.readyInstances()));
    this.initialScaleHold =
        new InitialScaleHold(
            target.spec().initialScale(),
            target.readyInstances(),
            nowNanos,
            InitialScaleHold.PROGRESS_DEADLINE);
  }

  ScalingTarget target() {
    return target;
  }

  void update(ScalingTarget next, long nowNanos) {
    if (windowSeconds(next.spec()) != window.capacitySeconds()) {
      window = new BucketWindow(windowSeconds(next.spec()), nowNanos);
    }
    target = next;
  }

  void record(long nowNanos, double concurrency, long requests) {
    window.record(nowNanos, metricValue(concurrency, requests));
  }

  int desired() {
    return state.desired();
  }

  /** The decision now, given the window; updates the decider state. */
  ScaleDecision decide(long nowNanos) {
    ScalingSpec spec = target.spec();
    int stableSeconds = windowSeconds(spec);
    int panicSeconds = (int) Math.max(1, spec.panicWindow().toSeconds());
    WindowStats stats =
        new WindowStats(
            average(spec, nowNanos, stableSeconds),
            average(spec, nowNanos, panicSeconds),
            window.isFull(nowNanos, stableSeconds),
            target.readyInstances(),
            target.routed());
    Decision d = ScaleDecider.decide(stats, spec, state, nowNanos);
    int desired = scaleDownDelay.apply(nowNanos, d.desired(), spec.scaleDownDelay().toNanos());
    String reason = d.reason();
    state = d.state();
    if (desired != d.desired()) {
      state = new DeciderState(desired, state.panicSinceNanos(), state.zeroSinceNanos());
      reason =
          "scale-down delay: the highest desire of the last "
              + spec.scaleDownDelay().toSeconds()
              + "s";
    }
    int held = initialScaleHold.apply(nowNanos, desired, target.readyInstances());
    if (held != desired) {
      desired = held;
      state = new DeciderState(desired, state.panicSinceNanos(), -1);
      reason =
          "reaching the initial scale of "
              + held
              + " ("
              + target.readyInstances()
              + " ready) before scaling down";
    }
    return new ScaleDecision(
        target.revision(), desired, state.panicking(), d.excessBurstCapacity(), reason);
  }

  private double average(ScalingSpec spec, long nowNanos, int seconds) {
    return spec.weightedAveraging()
        ? window.weightedAverage(nowNanos, seconds)
        : window.average(nowNanos, seconds);
  }

  /**
   * A request is waiting for a revision at zero: count it as one in flight now and want at least
   * the activation scale, without waiting for the next tick.
   */
  ScaleDecision activate(long nowNanos) {
    window.record(nowNanos, 1);
    int desired = Math.max(1, target.spec().activationScale());
    if (target.spec().maxScale() > 0) {
      desired = Math.min(desired, target.spec().maxScale());
    }
    state = new DeciderState(desired, state.panicSinceNanos(), -1);
    return new ScaleDecision(
        target.revision(), desired, state.panicking(), 0, "request waiting at zero");
  }

  /**
   * Returns the decision when it differs from the last one published (and records it), else null.
   */
  ScaleDecision toPublish(ScaleDecision d) {
    if (lastPublished != null && lastPublished.desiredScale() == d.desiredScale()) {
      return null;
    }
    lastPublished = d;
    return d;
  }

  private double metricValue(double concurrency, long requests) {
    return ScalingSpec.METRIC_RPS.equals(target.spec().metric()) ? requests : concurrency;
  }

  private static int windowSeconds(ScalingSpec spec) {
    return (int) Math.max(1, spec.stableWindow().toSeconds());
  }
}
