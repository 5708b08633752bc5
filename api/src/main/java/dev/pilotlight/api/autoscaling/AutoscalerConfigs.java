package dev.pilotlight.api.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Knative's {@code config-autoscaler} ConfigMap: the global defaults every revision starts
 * from. Unknown keys are refused, so a typo never silently keeps a default; field names in
 * violations are {@code data.<key>}.
 */
public final class AutoscalerConfigs {
  private static final Set<String> KNOWN =
      Set.of(
          "pod-autoscaler-class",
          "activator-capacity",
          "max-scale-limit",
          "container-concurrency-target-default",
          "container-concurrency-target-percentage",
          "requests-per-second-target-default",
          "target-burst-capacity",
          "stable-window",
          "panic-window-percentage",
          "panic-threshold-percentage",
          "max-scale-up-rate",
          "max-scale-down-rate",
          "enable-scale-to-zero",
          "scale-to-zero-grace-period",
          "scale-to-zero-pod-retention-period",
          "initial-scale",
          "allow-zero-initial-scale",
          "scale-down-delay",
          "min-scale",
          "max-scale",
          "_example",
          // keys of older Knative releases that Knative now ignores
          "tick-interval",
          "panic-window");

  /** Knative's {@code autoscaling.TargetMin}: the least per-instance target. */
  public static final double TARGET_MIN = 0.01;

  private AutoscalerConfigs() {}

  /**
   * The config from a ConfigMap's {@code data}, with Knative's verdicts and bounds; throws {@link
   * ValidationException} listing every problem.
   */
  public static AutoscalerConfig fromData(Map<String, String> data) {
    List<Violation> v = new ArrayList<>();
    for (String key : data.keySet()) {
      if (!KNOWN.contains(key)) {
        v.add(
            new Violation(
                "data." + key, "unknown key (expected: a key of Knative's config-autoscaler)"));
      }
    }
    AutoscalerConfig d = AutoscalerConfig.DEFAULTS;
    KnobReader r = new KnobReader(data, v, key -> "data." + key);
    String podAutoscalerClass = data.getOrDefault("pod-autoscaler-class", d.podAutoscalerClass());
    double ccDefault =
        r.decimal(
            "container-concurrency-target-default",
            d.containerConcurrencyTargetDefault(),
            -Double.MAX_VALUE,
            Double.MAX_VALUE,
            "number");
    // Knative: a value above 1 is a percentage, else (legacy) a fraction; (0, 1] after that
    double utilization =
        r.read(
            "container-concurrency-target-percentage",
            d.targetUtilization(),
            s -> {
              double x = Double.parseDouble(s.trim());
              return x > 1 ? x / 100 : x;
            },
            x -> x > 0 && x <= 1,
            "percentage in (0, 100], or a fraction in (0, 1]");
    if (utilization * ccDefault < TARGET_MIN) {
      r.violation(
          "container-concurrency-target-default",
          "\""
              + data.getOrDefault(
                  "container-concurrency-target-default",
                  Double.toString(d.containerConcurrencyTargetDefault()))
              + "\" (expected: container-concurrency-target-percentage ×"
              + " container-concurrency-target-default >= 0.01)");
    }
    double rps =
        r.decimal(
            "requests-per-second-target-default",
            d.requestsPerSecondTargetDefault(),
            TARGET_MIN,
            Double.MAX_VALUE,
            "number >= 0.01");
    double tbc =
        r.read(
            "target-burst-capacity",
            d.targetBurstCapacity(),
            s -> Double.parseDouble(s.trim()),
            x -> x >= 0 || x == -1,
            "number >= 0, or -1 for unlimited");
    Duration stable =
        r.duration(
            "stable-window",
            d.stableWindow(),
            Duration.ofSeconds(6),
            Duration.ofHours(1),
            "duration in 6s..1h");
    if (stable.getNano() != 0) {
      r.violation(
          "stable-window",
          "\"" + data.get("stable-window") + "\" (expected: at most second precision)");
    }
    double panicWindowPct =
        r.decimal("panic-window-percentage", d.panicWindowPercentage(), 1, 100, "number in 1..100");
    double panicThresholdPct =
        r.decimal(
            "panic-threshold-percentage",
            d.panicThresholdPercentage(),
            -Double.MAX_VALUE,
            Double.MAX_VALUE,
            "number");
    double up =
        r.read(
            "max-scale-up-rate",
            d.maxScaleUpRate(),
            s -> Double.parseDouble(s.trim()),
            x -> x > 1,
            "number > 1");
    double down =
        r.read(
            "max-scale-down-rate",
            d.maxScaleDownRate(),
            s -> Double.parseDouble(s.trim()),
            x -> x > 1,
            "number > 1");
    double activatorCapacity =
        r.decimal("activator-capacity", d.activatorCapacity(), 1, Double.MAX_VALUE, "number >= 1");
    boolean toZero = r.bool("enable-scale-to-zero", d.enableScaleToZero());
    Duration grace =
        r.read(
            "scale-to-zero-grace-period",
            d.scaleToZeroGrace(),
            Durations::parse,
            x -> x.compareTo(Duration.ZERO) > 0,
            "duration > 0s");
    Duration retention =
        r.duration(
            "scale-to-zero-pod-retention-period",
            d.scaleToZeroRetention(),
            Duration.ZERO,
            Duration.ofSeconds(Long.MAX_VALUE),
            "duration >= 0s");
    boolean allowZeroInitial = r.bool("allow-zero-initial-scale", d.allowZeroInitialScale());
    int initial =
        r.integer("initial-scale", d.initialScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    if (initial == 0 && !allowZeroInitial) {
      r.violation(
          "initial-scale", "\"0\" (expected: >= 1 unless allow-zero-initial-scale is true)");
    }
    Duration delay =
        r.read(
            "scale-down-delay",
            d.scaleDownDelay(),
            Durations::parse,
            x -> x.getNano() == 0,
            "whole seconds >= 0s");
    int min = r.integer("min-scale", d.minScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    int limit =
        r.integer(
            "max-scale-limit", d.maxScaleLimit(), 0, Integer.MAX_VALUE, "integer >= 0, 0 = none");
    int max =
        r.integer("max-scale", d.maxScale(), 0, Integer.MAX_VALUE, "integer >= 0, 0 = unbounded");
    if (limit > 0 && (max < 1 || max > limit)) {
      r.violation(
          "max-scale",
          "\""
              + max
              + "\" (expected: 1..max-scale-limit "
              + limit
              + " when max-scale-limit is set)");
    }
    if (max > 0 && min > max) {
      r.violation(
          "min-scale",
          "min-scale "
              + min
              + " is above max-scale "
              + max
              + " (expected: min-scale <= max-scale)");
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return new AutoscalerConfig(
        ccDefault,
        rps,
        utilization,
        stable,
        panicWindowPct,
        panicThresholdPct,
        up,
        down,
        grace,
        retention,
        toZero,
        initial,
        allowZeroInitial,
        tbc,
        delay,
        min,
        max,
        d.tickInterval(),
        d.rpsTargetUtilization(),
        activatorCapacity,
        podAutoscalerClass,
        limit,
        d.progressDeadline());
  }

  /**
   * Reads a file holding the ConfigMap ({@code kind: ConfigMap}, {@code metadata.name:
   * config-autoscaler}, {@code data}); problems are {@link ValidationException}s naming the file.
   */
  public static AutoscalerConfig read(Path file) throws IOException {
    JsonNode node = new YAMLMapper().readTree(Files.readString(file));
    List<Violation> v = new ArrayList<>();
    if (node == null || !node.isObject()) {
      throw new ValidationException(
          List.of(new Violation(file.toString(), "not a ConfigMap (expected: a YAML mapping)")));
    }
    if (!"ConfigMap".equals(node.path("kind").asText())) {
      v.add(
          new Violation(
              file + ": kind", "\"" + node.path("kind").asText() + "\" (expected: ConfigMap)"));
    }
    if (!"config-autoscaler".equals(node.path("metadata").path("name").asText())) {
      v.add(
          new Violation(
              file + ": metadata.name",
              "\""
                  + node.path("metadata").path("name").asText()
                  + "\" (expected: config-autoscaler)"));
    }
    Map<String, String> data = new LinkedHashMap<>();
    node.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    try {
      return fromData(data);
    } catch (ValidationException e) {
      throw new ValidationException(
          e.violations().stream()
              .map(x -> new Violation(file + ": " + x.field(), x.message()))
              .toList());
    }
  }
}
