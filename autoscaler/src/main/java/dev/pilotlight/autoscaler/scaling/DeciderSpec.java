package dev.pilotlight.autoscaler.scaling;

import dev.pilotlight.api.autoscaling.ScalingSpec;

/**
 * The inputs of Knative's decider ({@code scaling.DeciderSpec}) that do not change from tick to
 * tick; built once per spec change, not per decision.
 *
 * @param targetValue the per-instance target: target × utilization, at least 0.01
 * @param totalValue the per-instance capacity before utilization (excess burst capacity)
 * @param targetBurstCapacity -1 unlimited, 0 none
 * @param panicThreshold desired/ready ratio at which panic starts (e.g. 2.0)
 * @param stableWindowNanos panic lasts this long after the last over-threshold decision
 * @param activationScale the least scale above zero
 * @param reachable whether any route sends traffic to the revision
 */
public record DeciderSpec(
    double targetValue,
    double totalValue,
    double targetBurstCapacity,
    double panicThreshold,
    double maxScaleUpRate,
    double maxScaleDownRate,
    long stableWindowNanos,
    int activationScale,
    boolean reachable) {

  /** Knative's {@code autoscaling.TargetMin}. */
  public static final double TARGET_MIN = 0.01;

  public static DeciderSpec of(ScalingSpec s, boolean reachable) {
    return new DeciderSpec(
        Math.max(TARGET_MIN, s.effectiveTarget()),
        s.target(),
        s.targetBurstCapacity(),
        s.panicThreshold(),
        s.maxScaleUpRate(),
        s.maxScaleDownRate(),
        s.stableWindow().toNanos(),
        s.activationScale(),
        reachable);
  }
}
