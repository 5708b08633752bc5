package dev.pilotlight.controller.kubernetes.gc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GcConfigTest {

  @Test
  void emptyDataIsKnativesDefaults() {
    assertThat(GcConfig.fromData(Map.of())).isEqualTo(GcConfig.DEFAULTS);
    assertThat(GcConfig.DEFAULTS)
        .isEqualTo(new GcConfig(Duration.ofHours(48), Duration.ofHours(15), 20, 1000));
  }

  @Test
  void readsKnativesKeysAndDisabled() {
    GcConfig c =
        GcConfig.fromData(
            Map.of(
                "retain-since-create-time", "disabled",
                "retain-since-last-active-time", "1h30m",
                "min-non-active-revisions", "3",
                "max-non-active-revisions", "disabled"));
    assertThat(c).isEqualTo(new GcConfig(null, Duration.ofMinutes(90), 3, GcConfig.DISABLED));
  }

  @Test
  void refusesEveryProblemWithItsField() {
    assertThatThrownBy(
            () ->
                GcConfig.fromData(
                    Map.of(
                        "min-non-active-revisions", "-2",
                        "retain-since-create-time", "soon",
                        "stale-revision-timeout", "1h")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("data.min-non-active-revisions: \"-2\" (expected: an integer >= 0)")
        .hasMessageContaining("data.retain-since-create-time: \"soon\"")
        .hasMessageContaining("data.stale-revision-timeout: unknown key");
    assertThatThrownBy(
            () ->
                GcConfig.fromData(
                    Map.of("min-non-active-revisions", "5", "max-non-active-revisions", "2")))
        .hasMessageContaining(
            "data.max-non-active-revisions: 2 (expected: >= min-non-active-revisions 5");
  }
}
