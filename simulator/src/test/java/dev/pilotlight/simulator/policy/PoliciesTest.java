package dev.pilotlight.simulator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  static final AutoscalerConfig C = AutoscalerConfig.DEFAULTS;

  @Test
  void presetsAndCustomPolicies() {
    List<Policy> p =
        Policies.parse(
            List.of(
                "knative-default",
                "pilot-light-prewarm",
                "two-min:autoscaling.knative.dev/scale-to-zero-pod-retention-period=2m"),
            C,
            0);
    assertThat(p)
        .extracting(Policy::name)
        .containsExactly("knative-default", "pilot-light-prewarm", "two-min");
    assertThat(p.get(1).reserve()).isTrue();
    assertThat(p.get(1).annotations()).containsEntry("pilotlight.dev/prewarm", "histogram");
    assertThat(p.get(2).annotations())
        .isEqualTo(Map.of("autoscaling.knative.dev/scale-to-zero-pod-retention-period", "2m"));
    assertThat(Policies.PRESETS).hasSize(11);
  }

  @Test
  void aBadValueIsRefusedWithTheAnnotationsRule() {
    assertThatThrownBy(() -> Policies.parse("x:pilotlight.dev/prewarm=arima", C, 0))
        .hasMessage(
            "policy \"x:pilotlight.dev/prewarm=arima\": annotations[pilotlight.dev/prewarm]:"
                + " \"arima\" (expected: one of none, histogram)");
    assertThatThrownBy(() -> Policies.parse("x:autoscaling.knative.dev/min-scale=-1", C, 0))
        .hasMessageContaining(
            "annotations[autoscaling.knative.dev/min-scale]: \"-1\" (expected: integer >= 0)");
  }

  @Test
  void aStringThatIsNoPolicyIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Policies.parse("knative", C, 0))
        .hasMessage("policy \"knative\": expected: " + Policies.RULE);
    assertThatThrownBy(() -> Policies.parse("x:min-scale", C, 0))
        .hasMessageStartingWith(
            "policy \"x:min-scale\": \"min-scale\" is not KEY=VALUE; expected: a preset");
    assertThatThrownBy(() -> Policies.parse("x:min-scale=1", C, 0))
        .hasMessageContaining("is not an autoscaling.knative.dev/* or pilotlight.dev/* key");
    assertThatThrownBy(() -> Policies.parse(List.of("knative-default", "knative-default"), C, 0))
        .hasMessageContaining("used twice");
  }
}
