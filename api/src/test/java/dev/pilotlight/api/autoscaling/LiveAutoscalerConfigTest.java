package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LiveAutoscalerConfigTest {
  private final LiveAutoscalerConfig live =
      new LiveAutoscalerConfig(
          AutoscalerConfig.DEFAULTS,
          DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT,
          UnaryOperator.identity());

  @Test
  void aValidChangeIsAppliedAndAnEqualOneChangesNothing() {
    LiveAutoscalerConfig.Offer o =
        live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "2m")));
    assertThat(o.applied()).isTrue();
    assertThat(o.refusal()).isNull();
    assertThat(live.current().stableWindow()).isEqualTo(Duration.ofMinutes(2));

    LiveAutoscalerConfig.Offer again =
        live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "120s")));
    assertThat(again.applied()).isFalse();
    assertThat(again.refusal()).isNull();
  }

  @Test
  void anInvalidChangeIsRefusedOnceAndTheLastGoodStays() {
    live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "2m")));

    LiveAutoscalerConfig.Offer bad =
        live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "1s")));
    assertThat(bad.applied()).isFalse();
    assertThat(bad.refusal())
        .isEqualTo("data.stable-window: \"1s\" (expected: duration in 6s..1h)");
    assertThat(live.current().stableWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(live.refused(LiveAutoscalerConfig.AUTOSCALER)).isTrue();

    // the same problem again (a resync, a re-save): not reported again
    assertThat(
            live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "1s")))
                .refusal())
        .isNull();
    // another problem is
    assertThat(
            live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "x")))
                .refusal())
        .contains("data.stable-window: \"x\"");

    // valid again: applied, and a later refusal of the first problem is reported anew
    assertThat(
            live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "90s")))
                .applied())
        .isTrue();
    assertThat(live.refused(LiveAutoscalerConfig.AUTOSCALER)).isFalse();
    assertThat(
            live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("stable-window", "1s")))
                .refusal())
        .isNotNull();
  }

  @Test
  void theTwoSourcesCombineAndARefusalOfOneKeepsTheOther() {
    live.deployment(
        "dep", () -> DeploymentConfigs.progressDeadline(Map.of("progress-deadline", "5m")));
    live.autoscaler("cm", () -> AutoscalerConfigs.fromData(Map.of("min-scale", "1")));
    assertThat(live.current().progressDeadline()).isEqualTo(Duration.ofMinutes(5));
    assertThat(live.current().minScale()).isEqualTo(1);

    LiveAutoscalerConfig.Offer bad =
        live.deployment(
            "dep", () -> DeploymentConfigs.progressDeadline(Map.of("progress-deadline", "-1s")));
    assertThat(bad.refusal()).startsWith("data.progress-deadline: \"-1s\"");
    assertThat(live.current().progressDeadline()).isEqualTo(Duration.ofMinutes(5));
    assertThat(live.current().minScale()).isEqualTo(1);
    assertThat(live.refused(LiveAutoscalerConfig.AUTOSCALER)).isFalse();
  }

  @Test
  void overridesApplyOverEveryConfig() {
    LiveAutoscalerConfig withGrace =
        new LiveAutoscalerConfig(
            AutoscalerConfig.DEFAULTS,
            DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT,
            c -> c.withScaleToZeroGrace(Duration.ofSeconds(5)));
    assertThat(withGrace.current().scaleToZeroGrace()).isEqualTo(Duration.ofSeconds(5));
    withGrace.autoscaler(
        "cm", () -> AutoscalerConfigs.fromData(Map.of("scale-to-zero-grace-period", "45s")));
    assertThat(withGrace.current().scaleToZeroGrace()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anUnreadableSourceIsRefusedNamingIt() {
    LiveAutoscalerConfig.Offer o =
        live.autoscaler(
            "/etc/x.yaml",
            () -> {
              throw new IOException("no such file");
            });
    assertThat(o.refusal()).isEqualTo("/etc/x.yaml: no such file");
    assertThat(live.current()).isEqualTo(AutoscalerConfig.DEFAULTS);
  }
}
