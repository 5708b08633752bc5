package dev.pilotlight.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.LiveServingConfig;
import dev.pilotlight.api.config.ServingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileWatcherTest {
  @TempDir Path dir;
  final List<AutoscalerConfig> applied = new ArrayList<>();
  final List<String> refused = new ArrayList<>();

  @Test
  void aValidEditIsAppliedAnInvalidOneRefusedOnceAndTheLastGoodStays() throws Exception {
    Path autoscaler = dir.resolve("config-autoscaler.yaml");
    Path deployment = dir.resolve("config-deployment.yaml");
    Files.writeString(autoscaler, configMap("config-autoscaler", "stable-window: 60s"));
    Files.writeString(deployment, configMap("config-deployment", "progress-deadline: 600s"));
    LiveAutoscalerConfig live =
        new LiveAutoscalerConfig(
            AutoscalerConfig.DEFAULTS,
            DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT,
            UnaryOperator.identity());
    ConfigFileWatcher watcher =
        new ConfigFileWatcher(live, autoscaler, deployment, applied::add, refused::add);

    watcher.poll();
    assertThat(applied).as("nothing changed since startup").isEmpty();

    Files.writeString(autoscaler, configMap("config-autoscaler", "stable-window: 2m"));
    Files.writeString(deployment, configMap("config-deployment", "progress-deadline: 5m"));
    watcher.poll();
    assertThat(live.current().stableWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(live.current().progressDeadline()).isEqualTo(Duration.ofMinutes(5));
    assertThat(applied).hasSize(2);

    Files.writeString(autoscaler, configMap("config-autoscaler", "stable-window: 1s"));
    watcher.poll();
    watcher.poll();
    // saved again unchanged in meaning: the same problem is not reported twice
    Files.writeString(autoscaler, configMap("config-autoscaler", "stable-window: 1s  "));
    watcher.poll();
    assertThat(refused)
        .containsExactly(
            autoscaler + ": data.stable-window: \"1s\" (expected: duration in 6s..1h)");
    assertThat(live.current().stableWindow()).isEqualTo(Duration.ofMinutes(2));

    Files.delete(deployment);
    watcher.poll();
    assertThat(refused).last().isEqualTo(deployment + ": file is missing");
    assertThat(live.current().progressDeadline()).isEqualTo(Duration.ofMinutes(5));

    Files.writeString(autoscaler, configMap("config-autoscaler", "stable-window: 90s"));
    watcher.poll();
    assertThat(applied)
        .last()
        .extracting(AutoscalerConfig::stableWindow)
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void configFeaturesAndConfigDefaultsFilesAreWatchedToo() throws Exception {
    Path features = dir.resolve("config-features.yaml");
    Path defaults = dir.resolve("config-defaults.yaml");
    Files.writeString(features, configMap("config-features", "multi-container: enabled"));
    Files.writeString(defaults, configMap("config-defaults", "revision-timeout-seconds: \"300\""));
    LiveServingConfig serving = new LiveServingConfig(ServingConfig.DEFAULTS);
    List<ServingConfig> servingApplied = new ArrayList<>();
    ConfigFileWatcher watcher =
        new ConfigFileWatcher(
                new LiveAutoscalerConfig(
                    AutoscalerConfig.DEFAULTS,
                    DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT,
                    UnaryOperator.identity()),
                null,
                null,
                applied::add,
                refused::add)
            .serving(serving, features, defaults, servingApplied::add);

    watcher.poll();
    assertThat(servingApplied).as("nothing changed since startup").isEmpty();

    Files.writeString(defaults, configMap("config-defaults", "revision-timeout-seconds: \"120\""));
    watcher.poll();
    assertThat(serving.current().defaults().revisionTimeoutSeconds()).isEqualTo(120);
    assertThat(servingApplied).hasSize(1);

    Files.writeString(defaults, configMap("config-defaults", "revision-timeout-seconds: soon"));
    watcher.poll();
    watcher.poll();
    assertThat(refused)
        .containsExactly(
            defaults
                + ": ConfigMap config-defaults: data.revision-timeout-seconds: \"soon\" (expected:"
                + " an integer)");
    assertThat(serving.current().defaults().revisionTimeoutSeconds()).isEqualTo(120);

    Files.writeString(
        features, configMap("config-features", "kubernetes.podspec-nodeselector: enabled"));
    watcher.poll();
    assertThat(servingApplied).hasSize(2);
    assertThat(serving.current().features())
        .isEqualTo(Features.fromData(Map.of("kubernetes.podspec-nodeselector", "enabled")));
    assertThat(serving.current().defaults().revisionTimeoutSeconds()).isEqualTo(120);
    assertThat(applied).isEmpty();
  }

  private static String configMap(String name, String data) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %s, namespace: knative-serving}
        data:
          %s
        """
        .formatted(name, data);
  }
}
