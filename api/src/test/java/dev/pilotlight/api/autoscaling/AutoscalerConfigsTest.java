package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoscalerConfigsTest {
  @TempDir Path dir;

  @Test
  void emptyDataIsKnativesDefaults() {
    assertThat(AutoscalerConfigs.fromData(Map.of())).isEqualTo(AutoscalerConfig.DEFAULTS);
  }

  @Test
  void keysOverrideAndFlowIntoRevisionSpecs() {
    AutoscalerConfig c =
        AutoscalerConfigs.fromData(
            Map.of(
                "stable-window", "2m",
                "container-concurrency-target-percentage", "50",
                "scale-down-delay", "15s",
                "min-scale", "1",
                "enable-scale-to-zero", "false"));
    assertThat(c.stableWindow()).isEqualTo(Duration.ofMinutes(2));
    ScalingSpec s = ScalingSpecs.resolve(Map.of(), 0, c);
    assertThat(s.targetUtilization()).isEqualTo(0.5);
    assertThat(s.scaleDownDelay()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.minScale()).isEqualTo(1);
    assertThat(s.enableScaleToZero()).isFalse();
    assertThat(ScalingSpecs.resolve(Map.of(AutoscalingAnnotations.MIN_SCALE, "0"), 0, c).minScale())
        .isZero();
  }

  @Test
  void everyProblemIsNamed() {
    assertThatThrownBy(
            () ->
                AutoscalerConfigs.fromData(
                    Map.of(
                        "stable-window",
                        "1s",
                        "max-scale-up-rate",
                        "0.5",
                        "enable-scale-to-zero",
                        "maybe",
                        "typo",
                        "1")))
        .isInstanceOf(ValidationException.class)
        .satisfies(
            e ->
                assertThat(((ValidationException) e).violations())
                    .map(Violation::toString)
                    .containsExactlyInAnyOrder(
                        "data.typo: unknown key (expected: a key of Knative's config-autoscaler)",
                        "data.stable-window: \"1s\" (expected: duration in 6s..1h)",
                        "data.max-scale-up-rate: \"0.5\" (expected: number > 1)",
                        "data.enable-scale-to-zero: \"maybe\" (expected: true or false)"));
  }

  @Test
  void readsTheExampleConfigMap() throws Exception {
    AutoscalerConfig c =
        AutoscalerConfigs.read(Path.of("..", "examples", "config", "config-autoscaler.yaml"));
    assertThat(c).isEqualTo(AutoscalerConfig.DEFAULTS);
    Path wrong = dir.resolve("cm.yaml");
    Files.writeString(wrong, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n");
    assertThatThrownBy(() -> AutoscalerConfigs.read(wrong))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("kind: \"Secret\" (expected: ConfigMap)")
        .hasMessageContaining("metadata.name: \"x\" (expected: config-autoscaler)");
  }
}
