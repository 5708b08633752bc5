package dev.pilotlight.api.autoscaling;

import java.time.Duration;

/**
 * One revision's validated autoscaling parameters: global defaults overridden by its annotations.
 *
 * @param metric "concurrency" or "rps"
 * @param target per-instance target of the metric before utilization (requests or requests/second)
 * @param targetUtilization fraction 0–1 of {@code target} aimed at
 * @param minScale lower bound of standard instances while routed
 * @param maxScale upper bound, 0 = unbounded
 * @param initialScale instances a new revision starts with
 * @param stableWindow averaging window of stable mode
 * @param panicWindow averaging window of panic mode
 * @param panicThreshold ratio desired/ready (e.g. 2.0) at which panic starts
 * @param maxScaleUpRate max factor over ready instances per decision
 * @param maxScaleDownRate max divisor of ready instances per decision
 * @param scaleDownDelay scale down only to the max desire over this trailing window
 * @param scaleToZeroGrace time the last instance stays after the decision to go to zero
 * @param scaleToZeroRetention minimum time the last instance stays after the decision to go to zero
 *     (Knative's scale-to-zero-pod-retention-period); the longer of the two applies
 * @param enableScaleToZero false keeps at least one instance
 * @param activationScale minimum scale when coming up from zero
 * @param targetBurstCapacity spare requests to keep absorbable, -1 = unlimited
 * @param containerConcurrency the revision's hard limit, 0 = none
 * @param weightedAveraging exponentially weighted window averages instead of linear ones
 * @param reserveServesUpTo with the pilot light on, the concurrency its reserve instance absorbs
 *     alone: at zero standard instances, no standard instance is started while the observed
 *     concurrency stays at or below it; 0 = off
 * @param progressDeadline how long a new revision gets to reach its initial scale before it is let
 *     go (Knative's {@code serving.knative.dev/progress-deadline}, else config-deployment's)
 * @param prewarm the predictive policy, {@link #PREWARM_NONE} or {@link #PREWARM_HISTOGRAM} ({@code
 *     pilotlight.dev/prewarm})
 */
public record ScalingSpec(
    String metric,
    double target,
    double targetUtilization,
    int minScale,
    int maxScale,
    int initialScale,
    Duration stableWindow,
    Duration panicWindow,
    double panicThreshold,
    double maxScaleUpRate,
    double maxScaleDownRate,
    Duration scaleDownDelay,
    Duration scaleToZeroGrace,
    Duration scaleToZeroRetention,
    boolean enableScaleToZero,
    int activationScale,
    double targetBurstCapacity,
    int containerConcurrency,
    boolean weightedAveraging,
    int reserveServesUpTo,
    Duration progressDeadline,
    String prewarm,
    boolean reserveInstance) {

  public static final String METRIC_CONCURRENCY = "concurrency";
  public static final String METRIC_RPS = "rps";

  /** No prediction: Knative's windows, grace and retention alone. */
  public static final String PREWARM_NONE = "none";

  /** Idle times in a histogram predict the next request (see the autoscaler's {@code Prewarm}). */
  public static final String PREWARM_HISTOGRAM = "histogram";

  /** This spec with another initial scale. */
  public ScalingSpec withInitialScale(int scale) {
    return new ScalingSpec(
        metric,
        target,
        targetUtilization,
        minScale,
        maxScale,
        scale,
        stableWindow,
        panicWindow,
        panicThreshold,
        maxScaleUpRate,
        maxScaleDownRate,
        scaleDownDelay,
        scaleToZeroGrace,
        scaleToZeroRetention,
        enableScaleToZero,
        activationScale,
        targetBurstCapacity,
        containerConcurrency,
        weightedAveraging,
        reserveServesUpTo,
        progressDeadline,
        prewarm,
        reserveInstance);
  }

  /** Whether the histogram prewarm policy is on. */
  public boolean histogramPrewarm() {
    return PREWARM_HISTOGRAM.equals(prewarm);
  }

  /** How long the last instance stays after the decision to go to zero: grace or retention. */
  public Duration lastInstanceHold() {
    return scaleToZeroGrace.compareTo(scaleToZeroRetention) >= 0
        ? scaleToZeroGrace
        : scaleToZeroRetention;
  }

  /** The metric value one instance should carry: target × utilization. */
  public double effectiveTarget() {
    return target * targetUtilization;
  }
}
