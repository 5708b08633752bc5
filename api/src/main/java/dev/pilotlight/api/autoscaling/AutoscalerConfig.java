package dev.pilotlight.api.autoscaling;

import java.time.Duration;

/**
 * Global autoscaler defaults: the keys of Knative's {@code config-autoscaler} ConfigMap.
 *
 * @param containerConcurrencyTargetDefault concurrency target per instance when neither {@code
 *     target} nor {@code containerConcurrency} is set (requests)
 * @param requestsPerSecondTargetDefault rps target per instance (requests/second)
 * @param targetUtilization fraction 0–1 of the target aimed at
 * @param stableWindow averaging window of the stable mode
 * @param panicWindowPercentage panic window as a percentage of the stable window
 * @param panicThresholdPercentage panic when desired/ready reaches this percentage
 * @param maxScaleUpRate max factor of ready instances per decision
 * @param maxScaleDownRate max divisor of ready instances per decision
 * @param scaleToZeroGrace how long the last instance stays after the decision to go to zero
 */
public record AutoscalerConfig(
    double containerConcurrencyTargetDefault,
    double requestsPerSecondTargetDefault,
    double targetUtilization,
    Duration stableWindow,
    double panicWindowPercentage,
    double panicThresholdPercentage,
    double maxScaleUpRate,
    double maxScaleDownRate,
    Duration scaleToZeroGrace,
    boolean enableScaleToZero,
    int initialScale,
    boolean allowZeroInitialScale,
    double targetBurstCapacity,
    Duration tickInterval) {

  public static final AutoscalerConfig DEFAULTS =
      new AutoscalerConfig(
          100,
          200,
          0.7,
          Duration.ofSeconds(60),
          10,
          200,
          1000,
          2,
          Duration.ofSeconds(30),
          true,
          1,
          false,
          211,
          Duration.ofSeconds(2));

  public AutoscalerConfig withScaleToZeroGrace(Duration grace) {
    return new AutoscalerConfig(
        containerConcurrencyTargetDefault,
        requestsPerSecondTargetDefault,
        targetUtilization,
        stableWindow,
        panicWindowPercentage,
        panicThresholdPercentage,
        maxScaleUpRate,
        maxScaleDownRate,
        grace,
        enableScaleToZero,
        initialScale,
        allowZeroInitialScale,
        targetBurstCapacity,
        tickInterval);
  }
}
