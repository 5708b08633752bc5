package dev.pilotlight.autoscaler.loop;

import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.autoscaler.metrics.AutoscalerMetrics;
import dev.pilotlight.autoscaler.scaling.DeciderSpec;
import dev.pilotlight.autoscaler.scaling.DeciderState;
import dev.pilotlight.autoscaler.scaling.Decision;
import dev.pilotlight.autoscaler.scaling.IdleTimeHistogram;
import dev.pilotlight.autoscaler.scaling.InitialScaleHold;
import dev.pilotlight.autoscaler.scaling.Prewarm;
import dev.pilotlight.autoscaler.scaling.ScaleDecider;
import dev.pilotlight.autoscaler.scaling.ScaleDownDelay;
import dev.pilotlight.autoscaler.scaling.WindowStats;
import dev.pilotlight.autoscaler.window.BucketWindow;

/**
 * One revision's metric windows (stable and panic, as Knative keeps them) and decider state.
 * Confined to the autoscaler's scheduler thread. A new window length resizes the windows keeping
 * their history (Knative's {@code ResizeWindow}); a change of averaging algorithm starts afresh.
 */
final class RevisionScaler {
  private static final long SECOND = 1_000_000_000L;
  private ScalingTarget target;
  private DeciderSpec deciderSpec;
  private BucketWindow stable;
  private BucketWindow panic;
  private DeciderState state;
  private final ScaleDownDelay scaleDownDelay = new ScaleDownDelay();
  private final InitialScaleHold initialScaleHold;
  private ScaleDecision lastPublished;
  private final AutoscalerMetrics.Revision metrics;

  /** Pokes (one per held request) since the revision was woken from zero, while none is ready. */
  private int coldPokes;

  /**
   * Since when instances have been wanted with none ready (Knative's PodAutoscaler {@code Active}
   * Unknown, "activating"), -1 when not activating.
   */
  private long activatingSinceNanos = -1;

  /** Knative's margin over the progress deadline before an activation counts as failed. */
  static final java.time.Duration ACTIVATION_TIMEOUT_BUFFER = java.time.Duration.ofSeconds(30);

  /** With {@code pilotlight.dev/prewarm: histogram}: the idle times seen, else null. */
  private IdleTimeHistogram idleTimes;

  /** The last report with traffic (ticker nanos), -1 before any. */
  private long lastActiveNanos = -1;

  RevisionScaler(ScalingTarget target, long nowNanos, AutoscalerMetrics.Revision metrics) {
    this.target = target;
    this.metrics = metrics;
    this.deciderSpec = DeciderSpec.of(target.spec(), target.routed());
    this.stable = window(target.spec(), target.spec().stableWindow());
    this.panic = window(target.spec(), target.spec().panicWindow());
    // After an autoscaler restart the revision may be serving with many instances: start from them,
    // and in panic (Knative) when more than one is ready, so no history never means a scale-down.
    int initial = target.routed() ? target.spec().initialScale() : 0;
    this.state =
        DeciderState.initial(
            Math.max(initial, target.readyInstances()), target.readyInstances(), nowNanos);
    this.initialScaleHold =
        new InitialScaleHold(
            initial, target.readyInstances(), nowNanos, target.spec().progressDeadline());
    this.idleTimes = target.spec().histogramPrewarm() ? new IdleTimeHistogram() : null;
  }

  ScalingTarget target() {
    return target;
  }

  /** This revision's series, resolved once. */
  AutoscalerMetrics.Revision metrics() {
    return metrics;
  }

  void update(ScalingTarget next, long nowNanos) {
    ScalingSpec spec = next.spec();
    if (spec.weightedAveraging() != stable.isWeighted()) {
      stable = window(spec, spec.stableWindow());
      panic = window(spec, spec.panicWindow());
    } else {
      stable.resize(nowNanos, atLeastASecond(spec.stableWindow()));
      panic.resize(nowNanos, atLeastASecond(spec.panicWindow()));
    }
    if (!next.spec().equals(target.spec()) || next.routed() != target.routed()) {
      deciderSpec = DeciderSpec.of(spec, next.routed());
    }
    if (spec.histogramPrewarm() != (idleTimes != null)) {
      idleTimes = spec.histogramPrewarm() ? new IdleTimeHistogram() : null;
    }
    target = next;
  }

  void record(long nowNanos, double concurrency, long requests) {
    double v = metricValue(concurrency, requests);
    stable.record(nowNanos, v);
    panic.record(nowNanos, v);
    if (idleTimes != null && (concurrency > 0 || requests > 0)) {
      // reports come every second while there is traffic: a longer gap was an idle period
      if (lastActiveNanos >= 0 && nowNanos - lastActiveNanos >= Prewarm.IDLE_AFTER_NANOS) {
        idleTimes.record(nowNanos - lastActiveNanos);
      }
      lastActiveNanos = nowNanos;
    }
  }

  int desired() {
    return state.desired();
  }

  /** Whether no instance is ready yet while some are wanted: a report is worth deciding on now. */
  boolean coldStarting() {
    return target.readyInstances() == 0;
  }

  /**
   * The decision now, given the windows; updates the decider state. Null when there is no data to
   * decide on (Knative does not scale then): the last decision stands.
   */
  ScaleDecision decide(long nowNanos) {
    ScaleDecision d = decideKpa(nowNanos);
    return idleTimes == null ? d : prewarm(nowNanos, d);
  }

  /**
   * The predictive policy over the KPA's decision {@code kpa} (null: none): while the revision is
   * idle and its idle times predict, zero or one standard instance as {@link Prewarm} advises.
   * Never for a revision that cannot go to zero, before its initial scale was reached, or while
   * requests are held.
   */
  private ScaleDecision prewarm(long nowNanos, ScaleDecision kpa) {
    ScalingSpec spec = target.spec();
    if (lastActiveNanos < 0
        || coldPokes > 0 // requests are held: they are traffic, whatever the reports say yet
        || !target.routed()
        || spec.minScale() > 0
        || !spec.enableScaleToZero()
        || initialScaleHold.holding()) {
      return kpa;
    }
    Prewarm.Prediction p = idleTimes.prediction();
    long cap =
        spec.reserveInstance()
            ? spec.stableWindow().toNanos() + spec.lastInstanceHold().toNanos()
            : Long.MAX_VALUE;
    Prewarm.Advice a = Prewarm.advise(p, nowNanos - lastActiveNanos, cap);
    if (a == Prewarm.Advice.NONE) {
      return kpa;
    }
    int base = kpa != null ? kpa.desiredScale() : state.desired();
    int desired = a == Prewarm.Advice.ONE ? Math.max(1, base) : 0;
    if (kpa != null && desired == kpa.desiredScale()) {
      return kpa;
    }
    if (kpa == null && desired == state.desired()) {
      return null;
    }
    state = state.withDesired(desired);
    double ebc =
        kpa != null
            ? kpa.excessBurstCapacity()
            : lastPublished == null ? 0 : lastPublished.excessBurstCapacity();
    return new ScaleDecision(
        target.revision(), desired, state.panicking(), ebc, Prewarm.reason(a, p));
  }

  /** Knative's KPA and the pokes: the decision without the predictive policy. */
  private ScaleDecision decideKpa(long nowNanos) {
    ScalingSpec spec = target.spec();
    int ready = target.readyInstances();
    boolean reachable = target.routed();
    trackActivation(nowNanos);
    if (ready > 0) {
      // Knative scrapes every ready instance each second: a past second in which the activator saw
      // no traffic of a revision with ready instances is a second of zero concurrency. (The current
      // second is left alone: its report may not have arrived yet.)
      stable.record(nowNanos - SECOND, 0);
      panic.record(nowNanos - SECOND, 0);
      coldPokes = 0;
    }
    WindowStats stats =
        new WindowStats(
            stable.average(nowNanos), panic.average(nowNanos), !stable.isEmpty(nowNanos), ready);
    metrics.observed(stats.stableAverage(), stats.panicAverage(), deciderSpec.targetValue(), ready);
    Decision d = ScaleDecider.decide(stats, spec, deciderSpec, state, nowNanos, scaleDownDelay);
    if (d == null) {
      return withoutData(nowNanos, ready);
    }
    if (d.desired() == 0 && activationTimedOut(nowNanos)) {
      return activationTimeout(d.excessBurstCapacity());
    }
    int before = state.desired();
    state = d.state();
    int desired = d.desired();
    String reason = d.reason();
    if (coldPokes > 0 && pokeDesire(spec) > desired) {
      desired = pokeDesire(spec);
      state = state.withDesired(desired);
      reason = coldPokes + " request(s) held at zero ready instances";
    }
    if (reachable) { // Knative ignores initial scale for a revision no route sends traffic to
      int held = initialScaleHold.apply(nowNanos, desired, ready);
      if (held != desired) {
        desired = held;
        state =
            new DeciderState(
                desired,
                state.panicSinceNanos(),
                state.maxPanicPods(),
                -1,
                state.activeSinceNanos());
        reason =
            "reaching the initial scale of " + held + " (" + ready + " ready) before scaling down";
      }
    }
    if (desired == 0 && activatingSinceNanos >= 0) {
      // Knative: a revision being activated is not taken to zero until the activation times out
      desired = before;
      state = state.withDesired(desired);
      reason = "activating: " + desired + " wanted, none ready yet";
    }
    return new ScaleDecision(
        target.revision(), desired, state.panicking(), d.excessBurstCapacity(), reason);
  }

  /**
   * Notes whether the revision is activating: routed, instances wanted and none ready. It starts
   * when they are first wanted (a poke, an initial scale) and ends when one is ready or none is
   * wanted.
   */
  private void trackActivation(long nowNanos) {
    boolean activating = target.routed() && target.readyInstances() == 0 && state.desired() > 0;
    if (!activating) {
      activatingSinceNanos = -1;
    } else if (activatingSinceNanos < 0) {
      activatingSinceNanos = nowNanos;
    }
  }

  /**
   * Whether the activation has lasted longer than Knative's activation timeout: the progress
   * deadline plus 30 s.
   */
  private boolean activationTimedOut(long nowNanos) {
    return activatingSinceNanos >= 0
        && nowNanos - activatingSinceNanos
            >= target.spec().progressDeadline().plus(ACTIVATION_TIMEOUT_BUFFER).toNanos();
  }

  /**
   * An activation that timed out with nothing asking for instances: the scale goes to its lower
   * bound at once, no grace period (Knative); the held requests' pokes are forgotten, a new request
   * activates it again.
   */
  private ScaleDecision activationTimeout(double excessBurstCapacity) {
    int desired = lowerBound();
    long seconds = target.spec().progressDeadline().plus(ACTIVATION_TIMEOUT_BUFFER).toSeconds();
    state = state.withDesired(desired);
    coldPokes = 0;
    activatingSinceNanos = -1;
    return new ScaleDecision(
        target.revision(),
        desired,
        state.panicking(),
        excessBurstCapacity,
        "activation timed out: no instance ready after " + seconds + "s");
  }

  /** The scale a revision let go of falls to: min-scale, at least 1 without scale to zero. */
  private int lowerBound() {
    int min = target.spec().minScale();
    return min == 0 && !target.spec().enableScaleToZero() ? 1 : min;
  }

  /**
   * Without data: an activation that timed out is let go; a new revision that reached part of its
   * initial scale is let go at the progress deadline (the initial scale hold ends); else no
   * decision.
   */
  private ScaleDecision withoutData(long nowNanos, int ready) {
    if (activationTimedOut(nowNanos)) {
      return activationTimeout(lastPublished == null ? 0 : lastPublished.excessBurstCapacity());
    }
    if (!target.routed() || !initialScaleHold.holding()) {
      return null;
    }
    initialScaleHold.apply(nowNanos, 0, ready);
    if (initialScaleHold.holding()
        || ready >= target.spec().initialScale()
        || coldPokes > 0
        || activatingSinceNanos >= 0) {
      return null;
    }
    int desired = lowerBound();
    state = state.withDesired(desired);
    double ebc = lastPublished == null ? 0 : lastPublished.excessBurstCapacity();
    return new ScaleDecision(
        target.revision(),
        desired,
        state.panicking(),
        ebc,
        "progress deadline passed, initial scale never reached");
  }

  /**
   * A request is held for a revision at zero (each held request pokes once): want at least the
   * activation scale and enough instances for the requests held so far at the per-instance target,
   * without waiting for the next tick or the activator's next report. Null when that changes
   * nothing.
   */
  ScaleDecision poke(long nowNanos) {
    if (target.readyInstances() > 0) {
      return null; // serving already: the ticks decide
    }
    coldPokes++;
    int desired = Math.max(state.desired(), pokeDesire(target.spec()));
    if (desired == state.desired()) {
      return null;
    }
    state =
        new DeciderState(
            desired, state.panicSinceNanos(), state.maxPanicPods(), -1, state.activeSinceNanos());
    trackActivation(nowNanos);
    return new ScaleDecision(
        target.revision(),
        desired,
        state.panicking(),
        0,
        coldPokes + " request(s) held at zero ready instances");
  }

  /**
   * The decision published when the revision is first seen: the current desire, and Knative's
   * initial excess burst capacity (initial scale × capacity − target burst capacity).
   */
  ScaleDecision initialDecision() {
    double tbc = target.spec().targetBurstCapacity();
    double ebc =
        tbc <= 0 ? tbc : (long) (target.spec().initialScale() * target.spec().target() - tbc);
    return new ScaleDecision(
        target.revision(), state.desired(), state.panicking(), ebc, "initial scale");
  }

  private int pokeDesire(ScalingSpec spec) {
    double perInstance = deciderSpec.targetValue();
    int desired = (int) Math.min(Integer.MAX_VALUE, Math.ceil(coldPokes / perInstance));
    desired = (int) Math.min(desired, Math.ceil(spec.maxScaleUpRate()));
    desired = Math.max(desired, Math.max(1, spec.activationScale()));
    if (spec.maxScale() > 0) {
      desired = Math.min(desired, spec.maxScale());
    }
    return desired;
  }

  /**
   * Returns the decision when it differs from the last one published (and records it), else null. A
   * change of the excess burst capacity's sign is published too: it moves the activator in or out
   * of the request path.
   */
  ScaleDecision toPublish(ScaleDecision d) {
    if (lastPublished != null
        && lastPublished.desiredScale() == d.desiredScale()
        && (lastPublished.excessBurstCapacity() < 0) == (d.excessBurstCapacity() < 0)) {
      return null;
    }
    lastPublished = d;
    return d;
  }

  private double metricValue(double concurrency, long requests) {
    return ScalingSpec.METRIC_RPS.equals(target.spec().metric()) ? requests : concurrency;
  }

  private static java.time.Duration atLeastASecond(java.time.Duration d) {
    return d.compareTo(java.time.Duration.ofSeconds(1)) < 0 ? java.time.Duration.ofSeconds(1) : d;
  }

  private static BucketWindow window(ScalingSpec spec, java.time.Duration length) {
    java.time.Duration w = atLeastASecond(length);
    return spec.weightedAveraging() ? BucketWindow.weighted(w) : BucketWindow.linear(w);
  }
}
