package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingSpecsTest {
  static final AutoscalerConfig C = AutoscalerConfig.DEFAULTS;

  @Test
  void defaultsAreKnatives() {
    ScalingSpec s = ScalingSpecs.resolve(Map.of(), 0, C);
    assertThat(s.metric()).isEqualTo("concurrency");
    assertThat(s.target()).isEqualTo(100);
    assertThat(s.targetUtilization()).isEqualTo(0.7);
    assertThat(s.effectiveTarget()).isEqualTo(70, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(s.stableWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.panicWindow()).isEqualTo(Duration.ofSeconds(6));
    assertThat(s.panicThreshold()).isEqualTo(2.0);
    assertThat(s.initialScale()).isEqualTo(1);
    assertThat(s.minScale()).isZero();
    assertThat(s.maxScale()).isZero();
    assertThat(s.scaleToZeroGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.targetBurstCapacity()).isEqualTo(211);
  }

  @Test
  void containerConcurrencyIsTheDefaultTargetAndCapsAnExplicitOne() {
    assertThat(ScalingSpecs.resolve(Map.of(), 10, C).target()).isEqualTo(10);
    assertThat(ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.TARGET, "50"), 10, C).target())
        .isEqualTo(10);
    assertThat(ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.TARGET, "5"), 10, C).target())
        .isEqualTo(5);
  }

  @Test
  void annotationsOverride() {
    ScalingSpec s =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.WINDOW, "1m30s",
                AutoscalingAnnotations.PANIC_WINDOW_PERCENTAGE, "20",
                AutoscalingAnnotations.MIN_SCALE, "2",
                AutoscalingAnnotations.MAX_SCALE, "9",
                AutoscalingAnnotations.METRIC, "rps"),
            0,
            C);
    assertThat(s.stableWindow()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.panicWindow()).isEqualTo(Duration.ofSeconds(18));
    assertThat(s.minScale()).isEqualTo(2);
    assertThat(s.maxScale()).isEqualTo(9);
    assertThat(s.target()).isEqualTo(200);
  }

  @Test
  void badValuesAreNamed() {
    assertThat(ScalingSpecs.validate(Map.of(AutoscalingAnnotations.TARGET_UTILIZATION, "0"), C))
        .singleElement()
        .hasToString(
            "annotations[autoscaling.knative.dev/target-utilization-percentage]: \"0\" (expected: number in 1..100)");
    assertThat(ScalingSpecs.validate(Map.of("autoscaling.knative.dev/nope", "1"), C)).hasSize(1);
    assertThat(ScalingSpecs.validate(Map.of(AutoscalingAnnotations.INITIAL_SCALE, "0"), C))
        .hasSize(1);
    assertThat(ScalingSpecs.validate(Map.of("other.dev/key", "x"), C)).isEmpty();
    assertThat(ScalingSpecs.validate(Map.of(AutoscalingAnnotations.WINDOW_AVERAGING, "median"), C))
        .singleElement()
        .hasToString(
            "annotations[pilotlight.dev/window-averaging]: \"median\" (expected: one of linear, weighted)");
    assertThat(
            ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.WINDOW_AVERAGING, "weighted"), 0, C)
                .weightedAveraging())
        .isTrue();
    assertThatThrownBy(
            () -> ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.MAX_SCALE, "x"), 0, C))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("max-scale");
  }

  @Test
  void prewarmIsNoneOrHistogram() {
    assertThat(ScalingSpecs.resolve(Map.of(), 0, C).histogramPrewarm()).isFalse();
    assertThat(ScalingSpecs.resolve(Map.of(), 0, C).prewarm()).isEqualTo("none");
    assertThat(
            ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.PREWARM, "histogram"), 0, C)
                .histogramPrewarm())
        .isTrue();
    assertThat(
            ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.PREWARM, "none"), 0, C)
                .histogramPrewarm())
        .isFalse();
    assertThat(ScalingSpecs.resolve(Map.of(), 0, C).reserveInstance()).isFalse();
    assertThat(
            ScalingSpecs.resolve(Map.of("pilotlight.dev/reserve-instance", "true"), 0, C)
                .reserveInstance())
        .isTrue();
    assertThat(ScalingSpecs.validate(Map.of(AutoscalingAnnotations.PREWARM, "arima"), C))
        .singleElement()
        .hasToString(
            "annotations[pilotlight.dev/prewarm]: \"arima\" (expected: one of none, histogram)");
  }

  @Test
  void theReservesServesUpToReachesTheAutoscalerOnlyWithThePilotLightOn() {
    assertThat(ScalingSpecs.resolve(Map.of(), 0, C).reserveServesUpTo()).isZero();
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(
                        "pilotlight.dev/reserve-instance", "true",
                        "pilotlight.dev/reserve-serves-up-to", "3"),
                    0,
                    C)
                .reserveServesUpTo())
        .isEqualTo(3);
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(
                        "pilotlight.dev/reserve-instance", "false",
                        "pilotlight.dev/reserve-serves-up-to", "3"),
                    0,
                    C)
                .reserveServesUpTo())
        .isZero();
  }

  static java.util.List<String> problems(Map<String, String> a, AutoscalerConfig c) {
    return ScalingSpecs.validate(a, c).stream().map(v -> v.field() + ": " + v.message()).toList();
  }

  @Test
  void knativeAnnotationVerdicts() {
    AutoscalerConfig limited =
        AutoscalerConfigs.fromData(Map.of("max-scale", "5", "max-scale-limit", "10"));
    assertThat(problems(Map.of(AutoscalingAnnotations.MAX_SCALE, "11"), limited))
        .containsExactly(
            "annotations[autoscaling.knative.dev/max-scale]: \"11\" (expected: 1..10, the cluster's max-scale-limit)");
    assertThat(problems(Map.of(AutoscalingAnnotations.MAX_SCALE, "0"), limited)).hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.MAX_SCALE, "10"), limited)).isEmpty();
    assertThat(problems(Map.of(AutoscalingAnnotations.ACTIVATION_SCALE, "1"), C))
        .containsExactly(
            "annotations[autoscaling.knative.dev/activation-scale]: \"1\" (expected: integer >= 2)");
    assertThat(
            problems(
                Map.of(
                    AutoscalingAnnotations.ACTIVATION_SCALE,
                    "3",
                    AutoscalingAnnotations.MAX_SCALE,
                    "2"),
                C))
        .hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.WINDOW, "6500ms"), C))
        .containsExactly(
            "annotations[autoscaling.knative.dev/window]: \"6500ms\" (expected: at most second precision)");
    assertThat(problems(Map.of(AutoscalingAnnotations.SCALE_DOWN_DELAY, "1500ms"), C)).hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.SCALE_DOWN_DELAY, "1h1s"), C)).hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION, "1h1s"), C))
        .hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.TARGET_BURST_CAPACITY, "-0.5"), C))
        .hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.CLASS, "foo.autoscaling.knative.dev"), C))
        .hasSize(1);
    assertThat(
            problems(
                Map.of(
                    AutoscalingAnnotations.CLASS,
                    AutoscalerConfig.KPA,
                    AutoscalingAnnotations.METRIC_AGGREGATION_ALGORITHM,
                    "median"),
                C))
        .hasSize(1);
    assertThat(problems(Map.of(AutoscalingAnnotations.METRIC_AGGREGATION_ALGORITHM, "median"), C))
        .as("Knative validates it only with an explicit KPA class")
        .isEmpty();
  }

  @Test
  void weightedExponentialAndSeparateRpsUtilizationAndARoundedPanicWindow() {
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(
                        AutoscalingAnnotations.METRIC_AGGREGATION_ALGORITHM, "weightedExponential"),
                    0,
                    C)
                .weightedAveraging())
        .isTrue();
    AutoscalerConfig half =
        AutoscalerConfigs.fromData(Map.of("container-concurrency-target-percentage", "50"));
    assertThat(ScalingSpecs.resolve(Map.of(), 0, half).targetUtilization()).isEqualTo(0.5);
    assertThat(
            ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.METRIC, "rps"), 0, half)
                .targetUtilization())
        .as("rps keeps Knative's TargetUtilization")
        .isEqualTo(0.7);
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(
                        AutoscalingAnnotations.WINDOW, "15s",
                        AutoscalingAnnotations.PANIC_WINDOW_PERCENTAGE, "10"),
                    0,
                    C)
                .panicWindow())
        .as("1.5 s rounds to 2 s")
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(
                        AutoscalingAnnotations.WINDOW, "6s",
                        AutoscalingAnnotations.PANIC_WINDOW_PERCENTAGE, "1"),
                    0,
                    C)
                .panicWindow())
        .as("at least a second")
        .isEqualTo(Duration.ofSeconds(1));
  }
}
