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
          "_example");

  private AutoscalerConfigs() {}

  /**
   * The config from a ConfigMap's {@code data}; throws {@link ValidationException} listing every
   * problem.
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
    double ccDefault =
        r.decimal(
            "container-concurrency-target-default",
            d.containerConcurrencyTargetDefault(),
            0.01,
            1e9,
            "number >= 0.01");
    double utilization =
        r.decimal(
                "container-concurrency-target-percentage",
                d.targetUtilization() * 100,
                1,
                100,
                "number in 1..100")
            / 100;
    double rps =
        r.decimal(
            "requests-per-second-target-default",
            d.requestsPerSecondTargetDefault(),
            0.01,
            1e9,
            "number >= 0.01");
    double tbc =
        r.decimal("target-burst-capacity", d.targetBurstCapacity(), -1, 1e9, "number >= -1");
    Duration stable =
        r.duration(
            "stable-window",
            d.stableWindow(),
            Duration.ofSeconds(6),
            Duration.ofHours(1),
            "duration in 6s..1h");
    double panicWindowPct =
        r.decimal("panic-window-percentage", d.panicWindowPercentage(), 1, 100, "number in 1..100");
    double panicThresholdPct =
        r.decimal(
            "panic-threshold-percentage",
            d.panicThresholdPercentage(),
            110,
            1000,
            "number in 110..1000");
    double up = r.decimal("max-scale-up-rate", d.maxScaleUpRate(), 1.0001, 1e9, "number > 1");
    double down = r.decimal("max-scale-down-rate", d.maxScaleDownRate(), 1.0001, 1e9, "number > 1");
    boolean toZero = r.bool("enable-scale-to-zero", d.enableScaleToZero());
    Duration grace =
        r.duration(
            "scale-to-zero-grace-period",
            d.scaleToZeroGrace(),
            Duration.ZERO,
            Duration.ofHours(1),
            "duration in 0s..1h");
    Duration retention =
        r.duration(
            "scale-to-zero-pod-retention-period",
            d.scaleToZeroRetention(),
            Duration.ZERO,
            Duration.ofDays(365),
            "duration >= 0s");
    boolean allowZeroInitial = r.bool("allow-zero-initial-scale", d.allowZeroInitialScale());
    int initial =
        r.integer("initial-scale", d.initialScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    if (initial == 0 && !allowZeroInitial) {
      r.violation(
          "initial-scale", "\"0\" (expected: >= 1 unless allow-zero-initial-scale is true)");
    }
    Duration delay =
        r.duration(
            "scale-down-delay",
            d.scaleDownDelay(),
            Duration.ZERO,
            Duration.ofHours(1),
            "duration in 0s..1h");
    int min = r.integer("min-scale", d.minScale(), 0, Integer.MAX_VALUE, "integer >= 0");
    int max =
        r.integer("max-scale", d.maxScale(), 0, Integer.MAX_VALUE, "integer >= 0, 0 = unbounded");
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
        d.tickInterval());
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
