package dev.pilotlight.api.autoscaling;

import static dev.pilotlight.api.autoscaling.AutoscalingAnnotations.*;

import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

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
          CLASS,
          METRIC_AGGREGATION_ALGORITHM);

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
      Map<String, String> written,
      int containerConcurrency,
      AutoscalerConfig c,
      List<Violation> v) {
    // the key each value was written under, for messages: a legacy spelling is named as written
    Map<String, String> spelled = new HashMap<>();
    Map<String, String> a = new HashMap<>(written);
    for (Map.Entry<String, String> legacy : LEGACY.entrySet()) {
      String old = legacy.getKey();
      String key = legacy.getValue();
      if (!written.containsKey(old)) {
        continue;
      }
      a.remove(old);
      if (written.containsKey(key)) {
        v.add(
            new Violation(
                field(key),
                "given twice, as "
                    + key
                    + " and as its older spelling "
                    + old
                    + " (expected: only one of them)"));
      } else {
        a.put(key, written.get(old));
        spelled.put(key, old);
      }
    }
    for (String key : a.keySet()) {
      if (key.startsWith(PREFIX) && !KNOWN.contains(key)) {
        v.add(
            new Violation(
                field(key),
                "unknown autoscaling annotation (expected: one of Knative's autoscaling.knative.dev/* keys)"));
      }
    }
    UnaryOperator<String> field = key -> field(spelled.getOrDefault(key, key));
    KnobReader r = new KnobReader(a, v, field);
    String cls = a.get(CLASS);
    // Knative leaves a revision of another class (hpa, or a third party's) to that class's
    // controller; here only the KPA exists, so such a revision would silently not be scaled
    if (cls != null && !cls.equals(AutoscalerConfig.KPA)) {
      r.violation(
          CLASS,
          "\""
              + cls
              + "\" (expected: kpa.autoscaling.knative.dev: Pilotlight's autoscaler is Knative's KPA,"
              + " there is no HPA or other class)");
    }
    int minScale = r.integer(MIN_SCALE, c.minScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    int maxScale =
        r.integer(MAX_SCALE, c.maxScale(), 0, Integer.MAX_VALUE, "integer >= 0, 0 = unbounded");
    if (maxScale > 0 && minScale > maxScale) {
      v.add(
          new Violation(
              field.apply(MIN_SCALE),
              "min-scale "
                  + minScale
                  + " is above max-scale "
                  + maxScale
                  + " (expected: min-scale <= max-scale)"));
    }
    int limit = c.maxScaleLimit();
    if (limit > 0 && a.containsKey(MAX_SCALE) && (maxScale < 1 || maxScale > limit)) {
      r.violation(
          MAX_SCALE,
          "\""
              + a.get(MAX_SCALE)
              + "\" (expected: 1.."
              + limit
              + ", the cluster's max-scale-limit)");
    }
    int activationScale = 1;
    if (a.containsKey(ACTIVATION_SCALE)) {
      int act = r.integer(ACTIVATION_SCALE, 1, 2, Integer.MAX_VALUE, "integer >= 2");
      if (act >= 2 && minScale > act) {
        r.violation(ACTIVATION_SCALE, "\"" + act + "\" (expected: >= min-scale " + minScale + ")");
      } else if (act >= 2 && maxScale != 0 && maxScale < act) {
        r.violation(ACTIVATION_SCALE, "\"" + act + "\" (expected: <= max-scale " + maxScale + ")");
      } else {
        activationScale = act;
      }
    }
    int initialScale =
        r.integer(INITIAL_SCALE, c.initialScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    if (initialScale == 0 && a.containsKey(INITIAL_SCALE) && !c.allowZeroInitialScale()) {
      v.add(
          new Violation(
              field.apply(INITIAL_SCALE),
              "\"0\" (expected: >= 1; allow-zero-initial-scale is false)"));
    }
    String metric = a.getOrDefault(METRIC, ScalingSpec.METRIC_CONCURRENCY);
    if (!metric.equals(ScalingSpec.METRIC_CONCURRENCY) && !metric.equals(ScalingSpec.METRIC_RPS)) {
      v.add(new Violation(field(METRIC), "\"" + metric + "\" (expected: one of concurrency, rps)"));
      metric = ScalingSpec.METRIC_CONCURRENCY;
    }
    boolean rpsMetric = metric.equals(ScalingSpec.METRIC_RPS);
    double defaultTarget =
        rpsMetric
            ? c.requestsPerSecondTargetDefault()
            : containerConcurrency > 0
                ? containerConcurrency
                : c.containerConcurrencyTargetDefault();
    double target =
        r.decimal(
            TARGET,
            defaultTarget,
            AutoscalerConfigs.TARGET_MIN,
            Double.MAX_VALUE,
            "number >= 0.01");
    if (!rpsMetric && containerConcurrency > 0) {
      target = Math.min(target, containerConcurrency);
    }
    // rps and concurrency utilization are separate settings, as in Knative
    double defaultUtilization = rpsMetric ? c.rpsTargetUtilization() : c.targetUtilization();
    double utilization =
        r.decimal(TARGET_UTILIZATION, defaultUtilization * 100, 1, 100, "number in 1..100") / 100;
    Duration window =
        r.duration(
            WINDOW,
            c.stableWindow(),
            Duration.ofSeconds(6),
            Duration.ofHours(1),
            "duration in 6s..1h");
    if (window.getNano() != 0) {
      r.violation(WINDOW, "\"" + a.get(WINDOW) + "\" (expected: at most second precision)");
      window = c.stableWindow();
    }
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
        r.read(
            SCALE_DOWN_DELAY,
            c.scaleDownDelay(),
            Durations::parse,
            d -> d.getNano() == 0 && d.compareTo(Duration.ofHours(1)) <= 0,
            "whole seconds in 0s..1h");
    Duration retention =
        r.duration(
            SCALE_TO_ZERO_POD_RETENTION,
            c.scaleToZeroRetention(),
            Duration.ZERO,
            Duration.ofHours(1),
            "duration in 0s..1h");
    double tbc =
        r.read(
            TARGET_BURST_CAPACITY,
            c.targetBurstCapacity(),
            s -> Double.parseDouble(s.trim()),
            x -> x >= 0 || x == -1,
            "number >= 0, or -1 for unlimited");
    boolean weighted = false;
    String algorithm = a.get(METRIC_AGGREGATION_ALGORITHM);
    if (algorithm != null && !algorithm.isEmpty()) {
      weighted =
          algorithm.equals("weighted-exponential") || algorithm.equals("weightedExponential");
      // Knative validates it only on an explicit KPA class; anything else is linear
      if (!weighted && !algorithm.equals("linear") && AutoscalerConfig.KPA.equals(cls)) {
        r.violation(
            METRIC_AGGREGATION_ALGORITHM,
            "\""
                + algorithm
                + "\" (expected: one of linear, weighted-exponential, weightedExponential)");
      }
    }
    String averaging = a.get(WINDOW_AVERAGING);
    if (averaging != null) {
      if (averaging.equals("weighted")) {
        weighted = true;
      } else if (!averaging.equals("linear")) {
        r.violation(WINDOW_AVERAGING, "\"" + averaging + "\" (expected: one of linear, weighted)");
      }
    }
    String prewarm = a.getOrDefault(PREWARM, ScalingSpec.PREWARM_NONE);
    if (!prewarm.equals(ScalingSpec.PREWARM_NONE)
        && !prewarm.equals(ScalingSpec.PREWARM_HISTOGRAM)) {
      r.violation(PREWARM, "\"" + prewarm + "\" (expected: one of none, histogram)");
      prewarm = ScalingSpec.PREWARM_NONE;
    }
    Duration progressDeadline = c.progressDeadline();
    String deadline = a.get(DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION);
    if (deadline != null) {
      Duration d =
          DeploymentConfigs.check(
              deadline, field(DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION), v);
      progressDeadline = d == null ? progressDeadline : d;
    }
    // Knative's MakeMetric: the panic window rounded to whole seconds, at least one
    long panicMillis = Math.round(window.toMillis() * panicWindowPct / 100);
    Duration panicWindow = Duration.ofSeconds(Math.max(1, (panicMillis + 500) / 1000));
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
        reserveServesUpTo(a, containerConcurrency, metric),
        progressDeadline,
        prewarm,
        ReserveSpecs.lenient(a, containerConcurrency).isPresent());
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
