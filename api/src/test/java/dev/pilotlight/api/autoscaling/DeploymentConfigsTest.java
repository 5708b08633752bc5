package dev.pilotlight.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.validation.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Knative's progress deadline: config-deployment (pkg/deployment/config.go) and the annotation. */
class DeploymentConfigsTest {
  static final String A = DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION;

  @Test
  void configDeploymentDefaultAndValues() {
    assertThat(DeploymentConfigs.progressDeadline(Map.of())).isEqualTo(Duration.ofSeconds(600));
    assertThat(AutoscalerConfig.DEFAULTS.progressDeadline()).isEqualTo(Duration.ofSeconds(600));
    assertThat(DeploymentConfigs.progressDeadline(Map.of("progress-deadline", "444s")))
        .isEqualTo(Duration.ofSeconds(444));
    assertThat(DeploymentConfigs.progressDeadline(Map.of("progressDeadline", "1m")))
        .as("Knative's legacy key")
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(DeploymentConfigs.progressDeadline(Map.of("queue-sidecar-image", "x")))
        .isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void configDeploymentRefusesWhatKnativeRefuses() {
    for (String bad : List.of("0s", "-1s", "1.5s", "444.5s", "ten minutes")) {
      assertThatThrownBy(
              () -> DeploymentConfigs.progressDeadline(Map.of("progress-deadline", bad)), bad)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("data.progress-deadline");
    }
    assertThatThrownBy(
            () ->
                DeploymentConfigs.progressDeadline(
                    Map.of("progress-deadline", "1m", "progressDeadline", "2m")))
        .hasMessageContaining("progress-deadline")
        .hasMessageContaining("progressDeadline");
  }

  @Test
  void readsTheConfigMapFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path f = dir.resolve("config-deployment.yaml");
    java.nio.file.Files.writeString(
        f,
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: config-deployment
        data:
          progress-deadline: "120s"
          queue-sidecar-image: ignored
        """);
    assertThat(DeploymentConfigs.read(f)).isEqualTo(Duration.ofSeconds(120));
    java.nio.file.Files.writeString(
        f, "kind: ConfigMap\nmetadata: {name: config-autoscaler}\ndata: {}\n");
    assertThatThrownBy(() -> DeploymentConfigs.read(f))
        .hasMessageContaining("metadata.name")
        .hasMessageContaining("config-deployment");
    java.nio.file.Files.writeString(
        f, "kind: ConfigMap\nmetadata: {name: config-deployment}\ndata: {progress-deadline: 0s}\n");
    assertThatThrownBy(() -> DeploymentConfigs.read(f))
        .hasMessageContaining("data.progress-deadline");
  }

  /** revision_validation.go validateProgressDeadlineAnnotation, through the scaling spec. */
  @Test
  void theAnnotation() {
    assertThat(ScalingSpecs.resolve(Map.of(A, "30s"), 0, AutoscalerConfig.DEFAULTS))
        .extracting(ScalingSpec::progressDeadline)
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(
            ScalingSpecs.resolve(
                    Map.of(),
                    0,
                    AutoscalerConfig.DEFAULTS.withProgressDeadline(Duration.ofSeconds(77)))
                .progressDeadline())
        .isEqualTo(Duration.ofSeconds(77));
    assertThat(ScalingSpecs.validate(Map.of(A, "1.5s"), AutoscalerConfig.DEFAULTS))
        .singleElement()
        .hasToString(
            "annotations[serving.knative.dev/progress-deadline]: \"1.5s\" is not at second precision (expected: whole seconds)");
    assertThat(ScalingSpecs.validate(Map.of(A, "-1s"), AutoscalerConfig.DEFAULTS)).hasSize(1);
    assertThat(ScalingSpecs.validate(Map.of(A, "foo"), AutoscalerConfig.DEFAULTS))
        .singleElement()
        .hasToString(
            "annotations[serving.knative.dev/progress-deadline]: \"foo\" (expected: a duration such as 600s or 10m, positive)");
    assertThat(ScalingSpecs.validate(Map.of(A, "0s"), AutoscalerConfig.DEFAULTS)).hasSize(1);
  }
}
