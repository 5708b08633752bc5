package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's camelCase spellings (pkg/apis/autoscaling/register.go KeyPriority lists) mean what the
 * kebab-case keys mean; vectors after annotation_validation_test.go, written with the old keys.
 */
class LegacySpellingsTest {
  static final AutoscalerConfig C = AutoscalerConfig.DEFAULTS;
  static final String P = "autoscaling.knative.dev/";

  static List<String> problems(Map<String, String> a) {
    return ScalingSpecs.validate(a, C).stream().map(v -> v.field() + ": " + v.message()).toList();
  }

  static Stream<Arguments> verdicts() {
    return Stream.of(
        // name, annotations, expected number of problems, a fragment of the first
        Arguments.of("minScale is 0", Map.of(P + "minScale", "0"), 0, null),
        Arguments.of("maxScale is 0", Map.of(P + "maxScale", "0"), 0, null),
        Arguments.of(
            "minScale is -1", Map.of(P + "minScale", "-1"), 1, "annotations[" + P + "minScale]"),
        Arguments.of(
            "maxScale is huuuuuuuge",
            Map.of(P + "maxScale", "2147483648"),
            1,
            "annotations[" + P + "maxScale]"),
        Arguments.of(
            "minScale is foo", Map.of(P + "minScale", "foo"), 1, "annotations[" + P + "minScale]"),
        Arguments.of(
            "minScale is 2, maxScale is 5",
            Map.of(P + "minScale", "2", P + "maxScale", "5"),
            0,
            null),
        Arguments.of(
            "minScale is 5, maxScale is 2",
            Map.of(P + "minScale", "5", P + "maxScale", "2"),
            1,
            "annotations[" + P + "minScale]: min-scale 5 is above max-scale 2"),
        Arguments.of(
            "initialScale is -1",
            Map.of(P + "initialScale", "-1"),
            1,
            "annotations[" + P + "initialScale]"),
        Arguments.of(
            "initialScale 0 but cluster doesn't allow",
            Map.of(P + "initialScale", "0"),
            1,
            "annotations[" + P + "initialScale]"),
        Arguments.of("initialScale is 2", Map.of(P + "initialScale", "2"), 0, null),
        Arguments.of(
            "targetUtilizationPercentage 0",
            Map.of(P + "targetUtilizationPercentage", "0"),
            1,
            "annotations[" + P + "targetUtilizationPercentage]: \"0\""),
        Arguments.of(
            "panicWindowPercentage -11",
            Map.of(P + "panicWindowPercentage", "-11"),
            1,
            "annotations[" + P + "panicWindowPercentage]"),
        Arguments.of(
            "panicThresholdPercentage fifty",
            Map.of(P + "panicThresholdPercentage", "fifty"),
            1,
            "annotations[" + P + "panicThresholdPercentage]"),
        Arguments.of("valid scaleDownDelay", Map.of(P + "scaleDownDelay", "21m31s"), 0, null),
        Arguments.of(
            "scaleDownDelay 311m",
            Map.of(P + "scaleDownDelay", "311m"),
            1,
            "annotations[" + P + "scaleDownDelay]"),
        Arguments.of(
            "scaleDownDelay too precise",
            Map.of(P + "scaleDownDelay", "42.5s"),
            1,
            "annotations[" + P + "scaleDownDelay]"),
        Arguments.of(
            "scaleToZeroPodRetentionPeriod too long",
            Map.of(P + "scaleToZeroPodRetentionPeriod", "1h1s"),
            1,
            "annotations[" + P + "scaleToZeroPodRetentionPeriod]"),
        Arguments.of(
            "targetBurstCapacity -0.5",
            Map.of(P + "targetBurstCapacity", "-0.5"),
            1,
            "annotations[" + P + "targetBurstCapacity]"),
        Arguments.of(
            "metricAggregationAlgorithm invalid on KPA",
            Map.of(P + "metricAggregationAlgorithm", "median", P + "class", AutoscalerConfig.KPA),
            1,
            "annotations[" + P + "metricAggregationAlgorithm]"),
        Arguments.of(
            "all together now, succeed",
            Map.of(
                P + "panicThresholdPercentage", "125",
                P + "panicWindowPercentage", "75",
                P + "minScale", "5",
                P + "maxScale", "8",
                P + "window", "1984s"),
            0,
            null),
        Arguments.of(
            "both spellings of min-scale",
            Map.of(P + "minScale", "1", P + "min-scale", "1"),
            1,
            "annotations["
                + P
                + "min-scale]: given twice, as "
                + P
                + "min-scale and as its older spelling "
                + P
                + "minScale"),
        Arguments.of(
            "both spellings of scale-down-delay, different values",
            Map.of(P + "scaleDownDelay", "1m", P + "scale-down-delay", "2m"),
            1,
            "scaleDownDelay"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verdicts")
  void knativeVerdicts(String name, Map<String, String> a, int count, String fragment) {
    List<String> got = problems(a);
    assertThat(got).hasSize(count);
    if (fragment != null) {
      assertThat(got.get(0)).contains(fragment);
    }
  }

  @Test
  void theOldSpellingsMeanTheSame() {
    ScalingSpec old =
        ScalingSpecs.resolve(
            Map.of(
                P + "minScale", "2",
                P + "maxScale", "9",
                P + "initialScale", "3",
                P + "targetUtilizationPercentage", "50",
                P + "panicWindowPercentage", "20",
                P + "panicThresholdPercentage", "300",
                P + "scaleDownDelay", "30s",
                P + "scaleToZeroPodRetentionPeriod", "1m",
                P + "targetBurstCapacity", "-1",
                P + "metricAggregationAlgorithm", "weightedExponential"),
            0,
            C);
    ScalingSpec now =
        ScalingSpecs.resolve(
            Map.of(
                P + "min-scale", "2",
                P + "max-scale", "9",
                P + "initial-scale", "3",
                P + "target-utilization-percentage", "50",
                P + "panic-window-percentage", "20",
                P + "panic-threshold-percentage", "300",
                P + "scale-down-delay", "30s",
                P + "scale-to-zero-pod-retention-period", "1m",
                P + "target-burst-capacity", "-1",
                P + "metric-aggregation-algorithm", "weightedExponential"),
            0,
            C);
    assertThat(old).isEqualTo(now);
    assertThat(old.minScale()).isEqualTo(2);
    assertThat(old.scaleDownDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(old.weightedAveraging()).isTrue();
  }
}
