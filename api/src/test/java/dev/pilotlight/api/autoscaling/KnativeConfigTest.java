package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's pkg/autoscaler/config/config_test.go (TestNewConfig), ported: each case keeps Knative's
 * name, input and verdict; where Knative expects a config, every field not named equals Knative's
 * default. "actual" and "example" read Knative's own ConfigMap file, which holds only {@code
 * _example}.
 */
class KnativeConfigTest {
  static final Map<String, Object> ERROR = Map.of("error", true);

  static Map<String, String> in(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static Map<String, Object> want(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Arguments c(String name, Map<String, String> input, Map<String, Object> want) {
    return Arguments.of(name, input, want);
  }

  static Stream<Arguments> TestNewConfig() {
    return Stream.of(
        c("default", in(), want()),
        c("actual", in("_example", "# the example block\n"), want()),
        c("example", in("_example", "# the example block\n"), want()),
        c(
            "overridden",
            in(
                "enable-scale-to-zero", "true",
                "max-scale-down-rate", "3.0",
                "max-scale-up-rate", "1.01",
                "container-concurrency-target-percentage", "0.71",
                "container-concurrency-target-default", "10.5",
                "requests-per-second-target-default", "10.11",
                "target-burst-capacity", "12345",
                "scale-down-delay", "15m",
                "stable-window", "5m",
                "tick-interval", "2s",
                "panic-window-percentage", "10",
                "panic-threshold-percentage", "200",
                "pod-autoscaler-class", "some.class",
                "activator-capacity", "905",
                "scale-to-zero-pod-retention-period", "2m3s"),
            want(
                "targetBurstCapacity", 12345.0,
                "containerConcurrencyTargetDefault", 10.5,
                "targetUtilization", 0.71,
                "requestsPerSecondTargetDefault", 10.11,
                "maxScaleDownRate", 3.0,
                "maxScaleUpRate", 1.01,
                "scaleDownDelay", Duration.ofMinutes(15),
                "stableWindow", Duration.ofMinutes(5),
                "activatorCapacity", 905.0,
                "podAutoscalerClass", "some.class",
                "scaleToZeroRetention", Duration.ofSeconds(123))),
        c(
            "minimum",
            in(
                "max-scale-up-rate", "1.001",
                "container-concurrency-target-percentage", "0.5",
                "container-concurrency-target-default", "10.0",
                "target-burst-capacity", "0",
                "stable-window", "5m",
                "tick-interval", "2s",
                "panic-window-percentage", "10",
                "panic-threshold-percentage", "200",
                "activator-capacity", "1"),
            want(
                "targetUtilization", 0.5,
                "containerConcurrencyTargetDefault", 10.0,
                "maxScaleUpRate", 1.001,
                "targetBurstCapacity", 0.0,
                "stableWindow", Duration.ofMinutes(5),
                "activatorCapacity", 1.0)),
        c(
            "concurrency target percentage as percent",
            in("container-concurrency-target-percentage", "55"),
            want("targetUtilization", 0.55)),
        c("with -1 tbc", in("target-burst-capacity", "-1"), want("targetBurstCapacity", -1.0)),
        c("with toggles on strange casing", in("enable-scale-to-zero", "TRUE"), want()),
        c(
            "with toggles explicitly flipped",
            in("enable-scale-to-zero", "false", "min-scale", "1", "max-scale", "2"),
            want("enableScaleToZero", false, "minScale", 1, "maxScale", 2)),
        c(
            "with explicit grace period",
            in(
                "enable-scale-to-zero", "false",
                "scale-to-zero-grace-period", "33s",
                "min-scale", "1",
                "max-scale", "2"),
            want(
                "enableScaleToZero",
                false,
                "scaleToZeroGrace",
                Duration.ofSeconds(33),
                "minScale",
                1,
                "maxScale",
                2)),
        c("malformed float", in("max-scale-up-rate", "not a float"), ERROR),
        c("invalid scale-down-delay", in("scale-down-delay", "-1m23s"), ERROR),
        c(
            "invalid pod retention period",
            in("scale-to-zero-pod-retention-period", "-4m11s"),
            ERROR),
        c("malformed duration", in("stable-window", "not a duration"), ERROR),
        c("invalid target burst capacity", in("target-burst-capacity", "-11"), ERROR),
        c(
            "invalid target %, too small",
            in("container-concurrency-target-percentage", "-42"), ERROR),
        c(
            "invalid target %, too big",
            in("container-concurrency-target-percentage", "142.4"), ERROR),
        c(
            "invalid RPS target, too small",
            in("requests-per-second-target-default", "-5.25"),
            ERROR),
        c("max scale up rate 1.0", in("max-scale-up-rate", "1"), ERROR),
        c("max down down rate negative", in("max-scale-down-rate", "-55"), ERROR),
        c("max down down rate 1.0", in("max-scale-down-rate", "1"), ERROR),
        c("stable window too big", in("stable-window", "1h1s"), ERROR),
        c("stable window too small", in("stable-window", "1s"), ERROR),
        c("stable not seconds", in("stable-window", "61984ms"), ERROR),
        c("scale-down-delay not seconds", in("scale-down-delay", "61984ms"), ERROR),
        c("activator-capacity invalid", in("activator-capacity", "0.95"), ERROR),
        c("panic window percentage too small", in("panic-window-percentage", "0.1"), ERROR),
        c(
            "panic window percentage too big",
            in("stable-window", "12s", "panic-window", "3s", "panic-window-percentage", "110"),
            ERROR),
        c(
            "TU*CC < 0.01",
            in(
                "container-concurrency-target-percentage",
                "1",
                "container-concurrency-target-default",
                "0.001"),
            ERROR),
        c(
            "grace window too small",
            in("stable-window", "12s", "scale-to-zero-grace-period", "0s"),
            ERROR),
        c(
            "with prohibited default initial scale",
            in("allow-zero-initial-scale", "false", "initial-scale", "0"),
            ERROR),
        c(
            "with negative default initial scale",
            in("allow-zero-initial-scale", "false", "initial-scale", "-1"),
            ERROR),
        c(
            "with non-parseable default initial scale",
            in("allow-zero-initial-scale", "false", "initial-scale", "invalid"),
            ERROR),
        c(
            "with valid default initial scale",
            in("allow-zero-initial-scale", "true", "initial-scale", "0"),
            want("allowZeroInitialScale", true, "initialScale", 0)),
        c(
            "with non-parseable allow-zero-initial-scale",
            in("allow-zero-initial-scale", "invalid"),
            ERROR),
        c("with negative default max scale", in("max-scale", "-1"), ERROR),
        c("with valid default max scale", in("max-scale", "10"), want("maxScale", 10)),
        c(
            "max scale exceeding max scale limit",
            in("max-scale", "10", "max-scale-limit", "9"),
            ERROR),
        c("with negative max scale limit", in("max-scale-limit", "-9"), ERROR),
        c(
            "with max scale limit and zero default max scale",
            in("max-scale", "0", "max-scale-limit", "11"),
            ERROR),
        c("with max scale less than min-scale", in("min-scale", "4", "max-scale", "3"), ERROR),
        c("with min scale set but max-scale not set", in("min-scale", "4"), want("minScale", 4)),
        c(
            "with valid default max scale and max scale limit",
            in("max-scale", "10", "max-scale-limit", "11"),
            want("maxScale", 10, "maxScaleLimit", 11)));
  }

  @ParameterizedTest(name = "TestNewConfig {0}")
  @MethodSource
  void TestNewConfig(String name, Map<String, String> input, Map<String, Object> want)
      throws Exception {
    if (want == ERROR) {
      assertThatThrownBy(() -> AutoscalerConfigs.fromData(input))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("(expected: ");
      return;
    }
    AutoscalerConfig got = AutoscalerConfigs.fromData(input);
    for (RecordComponent rc : AutoscalerConfig.class.getRecordComponents()) {
      Object expected =
          want.containsKey(rc.getName())
              ? want.get(rc.getName())
              : rc.getAccessor().invoke(AutoscalerConfig.DEFAULTS);
      assertThat(rc.getAccessor().invoke(got)).as(rc.getName()).isEqualTo(expected);
    }
  }
}
