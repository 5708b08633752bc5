package dev.pilotlight.api.autoscaling;

import java.time.Duration;

/**
 * Global autoscaler defaults: the keys of Knative's {@code config-autoscaler} ConfigMap (read by
 * {@link AutoscalerConfigs}); per-revision annotations override them.
 *
 * <p>{@code activator-capacity} is accepted with Knative's validation and kept, but unused: our
 * gateway is not sized per activator replica (Knative uses it to choose how many activators a
 * revision's traffic is spread over). {@code pod-autoscaler-class} is accepted and kept; this
 * autoscaler implements the KPA.
 *
 * @param containerConcurrencyTargetDefault concurrency target per instance when neither {@code
 *     target} nor {@code containerConcurrency} is set (requests)
 * @param requestsPerSecondTargetDefault rps target per instance (requests/second)
 * @param targetUtilization fraction (0, 1] of the concurrency target aimed at ({@code
 *     container-concurrency-target-percentage}, as a percentage or, Knative's legacy form, a
 *     fraction)
 * @param stableWindow averaging window of the stable mode
 * @param panicWindowPercentage panic window as a percentage of the stable window
 * @param panicThresholdPercentage panic when desired/ready reaches this percentage
 * @param maxScaleUpRate max factor of ready instances per decision
 * @param maxScaleDownRate max divisor of ready instances per decision
 * @param scaleToZeroGrace how long the last instance stays after the decision to go to zero
 * @param scaleToZeroRetention minimum time the last instance stays after that decision
 * @param enableScaleToZero false keeps at least one instance of every routed revision
 * @param initialScale instances a new revision starts with
 * @param allowZeroInitialScale whether a revision may ask for initial-scale 0
 * @param targetBurstCapacity spare requests to keep absorbable, -1 = unlimited
 * @param scaleDownDelay default scale-down delay
 * @param minScale default min-scale
 * @param maxScale default max-scale, 0 = unbounded
 * @param tickInterval how often every revision's scale is decided
 * @param rpsTargetUtilization fraction of the rps target aimed at (Knative's {@code
 *     TargetUtilization}: no config key, 70%; the annotation overrides it)
 * @param activatorCapacity Knative's {@code activator-capacity} (>= 1); unused here
 * @param podAutoscalerClass Knative's {@code pod-autoscaler-class}
 * @param maxScaleLimit upper bound of every max-scale (config and annotations), 0 = none
 * @param progressDeadline a revision's default progress deadline: not a key of config-autoscaler
 *     but Knative's {@code config-deployment} {@code progress-deadline} (read by {@link
 *     DeploymentConfigs}), carried here to every revision's {@link ScalingSpec}
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
    Duration scaleToZeroRetention,
    boolean enableScaleToZero,
    int initialScale,
    boolean allowZeroInitialScale,
    double targetBurstCapacity,
    Duration scaleDownDelay,
    int minScale,
    int maxScale,
    Duration tickInterval,
    double rpsTargetUtilization,
    double activatorCapacity,
    String podAutoscalerClass,
    int maxScaleLimit,
    Duration progressDeadline) {

  public static final String KPA = "kpa.autoscaling.knative.dev";

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
          Duration.ZERO,
          true,
          1,
          false,
          211,
          Duration.ZERO,
          0,
          0,
          Duration.ofSeconds(2),
          0.7,
          100,
          KPA,
          0,
          DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT);

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
        scaleToZeroRetention,
        enableScaleToZero,
        initialScale,
        allowZeroInitialScale,
        targetBurstCapacity,
        scaleDownDelay,
        minScale,
        maxScale,
        tickInterval,
        rpsTargetUtilization,
        activatorCapacity,
        podAutoscalerClass,
        maxScaleLimit,
        progressDeadline);
  }

  /** This config with config-deployment's {@code progress-deadline}. */
  public AutoscalerConfig withProgressDeadline(Duration deadline) {
    return new AutoscalerConfig(
        containerConcurrencyTargetDefault,
        requestsPerSecondTargetDefault,
        targetUtilization,
        stableWindow,
        panicWindowPercentage,
        panicThresholdPercentage,
        maxScaleUpRate,
        maxScaleDownRate,
        scaleToZeroGrace,
        scaleToZeroRetention,
        enableScaleToZero,
        initialScale,
        allowZeroInitialScale,
        targetBurstCapacity,
        scaleDownDelay,
        minScale,
        maxScale,
        tickInterval,
        rpsTargetUtilization,
        activatorCapacity,
        podAutoscalerClass,
        maxScaleLimit,
        deadline);
  }
}
