package dev.pilotlight.api.autoscaling;

import static dev.pilotlight.api.autoscaling.AutoscalingAnnotations.*;

import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a revision's {@link ScalingSpec} from global defaults and its {@code
 * autoscaling.knative.dev/*} annotations, with Knative's ranges. Field names in violations are
 * {@code annotations[key]}; callers prefix them with the path of the annotations map.
 */
public final class ScalingSpecs {
  private static final Set<String> KNOWN =
      Set.of(
          MIN_SCALE,
          MAX_SCALE,
          INITIAL_SCALE,
          METRIC,
          TARGET,
          TARGET_UTILIZATION,
          WINDOW,
          PANIC_WINDOW_PERCENTAGE,
          PANIC_THRESHOLD_PERCENTAGE,
          SCALE_DOWN_DELAY,
          SCALE_TO_ZERO_POD_RETENTION,
          TARGET_BURST_CAPACITY,
          ACTIVATION_SCALE,
          PREFIX + "class");

  private ScalingSpecs() {}

  public static List<Violation> validate(Map<String, String> annotations, AutoscalerConfig config) {
    List<Violation> v = new ArrayList<>();
    parse(annotations, 0, config, v);
    return v;
  }

  public static ScalingSpec resolve(
      Map<String, String> annotations, int containerConcurrency, AutoscalerConfig config) {
    List<Violation> v = new ArrayList<>();
    ScalingSpec spec = parse(annotations, containerConcurrency, config, v);
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return spec;
  }

  private static ScalingSpec parse(
      Map<String, String> a, int containerConcurrency, AutoscalerConfig c, List<Violation> v) {
    for (String key : a.keySet()) {
      if (key.startsWith(PREFIX) && !KNOWN.contains(key)) {
        v.add(
            new Violation(
                field(key),
                "unknown autoscaling annotation (expected: one of Knative's autoscaling.knative.dev/* keys)"));
      }
    }
    KnobReader r = new KnobReader(a, v, ScalingSpecs::field);
    int minScale = r.integer(MIN_SCALE, c.minScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    int maxScale =
        r.integer(MAX_SCALE, c.maxScale(), 0, Integer.MAX_VALUE, "integer >= 0, 0 = unbounded");
    if (maxScale > 0 && minScale > maxScale) {
      v.add(
          new Violation(
              field(MIN_SCALE),
              "min-scale "
                  + minScale
                  + " is above max-scale "
                  + maxScale
                  + " (expected: min-scale <= max-scale)"));
    }
    int initialScale =
        r.integer(INITIAL_SCALE, c.initialScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    if (initialScale == 0 && a.containsKey(INITIAL_SCALE) && !c.allowZeroInitialScale()) {
      v.add(
          new Violation(
              field(INITIAL_SCALE), "\"0\" (expected: >= 1; allow-zero-initial-scale is false)"));
    }
    String metric = a.getOrDefault(METRIC, ScalingSpec.METRIC_CONCURRENCY);
    if (!metric.equals(ScalingSpec.METRIC_CONCURRENCY) && !metric.equals(ScalingSpec.METRIC_RPS)) {
      v.add(new Violation(field(METRIC), "\"" + metric + "\" (expected: one of concurrency, rps)"));
      metric = ScalingSpec.METRIC_CONCURRENCY;
    }
    double defaultTarget =
        metric.equals(ScalingSpec.METRIC_RPS)
            ? c.requestsPerSecondTargetDefault()
            : containerConcurrency > 0
                ? containerConcurrency
                : c.containerConcurrencyTargetDefault();
    double target = r.decimal(TARGET, defaultTarget, 0.01, Double.MAX_VALUE, "number >= 0.01");
    if (metric.equals(ScalingSpec.METRIC_CONCURRENCY) && containerConcurrency > 0) {
      target = Math.min(target, containerConcurrency);
    }
    double utilization =
        r.decimal(TARGET_UTILIZATION, c.targetUtilization() * 100, 1, 100, "number in 1..100")
            / 100;
    Duration window =
        r.duration(
            WINDOW,
            c.stableWindow(),
            Duration.ofSeconds(6),
            Duration.ofHours(1),
            "duration in 6s..1h");
    double panicWindowPct =
        r.decimal(PANIC_WINDOW_PERCENTAGE, c.panicWindowPercentage(), 1, 100, "number in 1..100");
    double panicThresholdPct =
        r.decimal(
            PANIC_THRESHOLD_PERCENTAGE,
            c.panicThresholdPercentage(),
            110,
            1000,
            "number in 110..1000");
    Duration scaleDownDelay =
        r.duration(
            SCALE_DOWN_DELAY,
            c.scaleDownDelay(),
            Duration.ZERO,
            Duration.ofHours(1),
            "duration in 0s..1h");
    Duration retention =
        r.duration(
            SCALE_TO_ZERO_POD_RETENTION,
            c.scaleToZeroRetention(),
            Duration.ZERO,
            Duration.ofDays(365),
            "duration >= 0s");
    double tbc =
        r.decimal(
            TARGET_BURST_CAPACITY, c.targetBurstCapacity(), -1, Double.MAX_VALUE, "number >= -1");
    int activationScale = r.integer(ACTIVATION_SCALE, 1, 1, Integer.MAX_VALUE, "integer >= 1");
    String averaging = a.getOrDefault(WINDOW_AVERAGING, "linear");
    boolean weighted = averaging.equals("weighted");
    if (!weighted && !averaging.equals("linear")) {
      r.violation(WINDOW_AVERAGING, "\"" + averaging + "\" (expected: one of linear, weighted)");
    }
    Duration panicWindow =
        Duration.ofMillis(Math.max(1000, Math.round(window.toMillis() * panicWindowPct / 100)));
    return new ScalingSpec(
        metric,
        target,
        utilization,
        minScale,
        maxScale,
        initialScale,
        window,
        panicWindow,
        panicThresholdPct / 100,
        c.maxScaleUpRate(),
        c.maxScaleDownRate(),
        scaleDownDelay,
        c.scaleToZeroGrace(),
        retention,
        c.enableScaleToZero(),
        activationScale,
        tbc,
        containerConcurrency,
        weighted,
        reserveServesUpTo(a, containerConcurrency, metric));
  }

  /**
   * The pilot light's {@code reserve-serves-up-to} when the reserve is on and the metric is
   * concurrency (validation refuses it with rps), else 0.
   */
  private static int reserveServesUpTo(
      Map<String, String> a, int containerConcurrency, String metric) {
    if (!metric.equals(ScalingSpec.METRIC_CONCURRENCY)) {
      return 0;
    }
    return ReserveSpecs.lenient(a, containerConcurrency).map(ReserveSpec::servesUpTo).orElse(0);
  }

  static String field(String key) {
    return "annotations[" + key + "]";
  }
}
