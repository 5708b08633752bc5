package dev.pilotlight.api.autoscaling;

import java.util.Map;

/** Annotation keys, meaning what they mean in Knative Serving. */
public final class AutoscalingAnnotations {
  public static final String PREFIX = "autoscaling.knative.dev/";
  public static final String MIN_SCALE = PREFIX + "min-scale";
  public static final String MAX_SCALE = PREFIX + "max-scale";
  public static final String INITIAL_SCALE = PREFIX + "initial-scale";
  public static final String METRIC = PREFIX + "metric";
  public static final String TARGET = PREFIX + "target";
  public static final String TARGET_UTILIZATION = PREFIX + "target-utilization-percentage";
  public static final String WINDOW = PREFIX + "window";
  public static final String PANIC_WINDOW_PERCENTAGE = PREFIX + "panic-window-percentage";
  public static final String PANIC_THRESHOLD_PERCENTAGE = PREFIX + "panic-threshold-percentage";
  public static final String SCALE_DOWN_DELAY = PREFIX + "scale-down-delay";
  public static final String SCALE_TO_ZERO_POD_RETENTION =
      PREFIX + "scale-to-zero-pod-retention-period";
  public static final String TARGET_BURST_CAPACITY = PREFIX + "target-burst-capacity";
  public static final String ACTIVATION_SCALE = PREFIX + "activation-scale";

  public static final String CLASS = PREFIX + "class";
  public static final String METRIC_AGGREGATION_ALGORITHM = PREFIX + "metric-aggregation-algorithm";

  /**
   * Pilotlight's own, now an alias of Knative's {@code metric-aggregation-algorithm}: {@code
   * linear} (default) or {@code weighted} window averaging.
   */
  public static final String WINDOW_AVERAGING = "pilotlight.dev/window-averaging";

  /**
   * Pilotlight's own predictive scaling: {@code none} (default) or {@code histogram}, a
   * per-revision histogram of idle times that takes standard instances to zero while a long idle
   * period is predicted and starts one shortly before the next request is expected.
   */
  public static final String PREWARM = "pilotlight.dev/prewarm";

  /**
   * Knative's older camelCase spellings, still accepted by Knative (its {@code kmap.KeyPriority}
   * lists in {@code pkg/apis/autoscaling/register.go}), each mapped to the key it means. A revision
   * may use either spelling of a key, not both.
   */
  public static final Map<String, String> LEGACY =
      Map.of(
          PREFIX + "minScale", MIN_SCALE,
          PREFIX + "maxScale", MAX_SCALE,
          PREFIX + "initialScale", INITIAL_SCALE,
          PREFIX + "targetUtilizationPercentage", TARGET_UTILIZATION,
          PREFIX + "panicWindowPercentage", PANIC_WINDOW_PERCENTAGE,
          PREFIX + "panicThresholdPercentage", PANIC_THRESHOLD_PERCENTAGE,
          PREFIX + "scaleDownDelay", SCALE_DOWN_DELAY,
          PREFIX + "scaleToZeroPodRetentionPeriod", SCALE_TO_ZERO_POD_RETENTION,
          PREFIX + "targetBurstCapacity", TARGET_BURST_CAPACITY,
          PREFIX + "metricAggregationAlgorithm", METRIC_AGGREGATION_ALGORITHM);

  private AutoscalingAnnotations() {}
}
