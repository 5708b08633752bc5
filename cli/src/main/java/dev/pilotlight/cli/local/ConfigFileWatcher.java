package dev.pilotlight.cli.local;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.config.KnativeConfigs;
import dev.pilotlight.api.config.LiveServingConfig;
import dev.pilotlight.api.config.ServingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Local mode's watch of Knative's ConfigMap files ({@code --config}, {@code --deployment-config}):
 * config-autoscaler and config-deployment (the autoscaling config), config-features and
 * config-defaults (what a template may say and what a new revision gets where it says nothing),
 * each when it has a file to itself; by polling their content as {@link ManifestWatcher} does: an
 * edit that validates is applied while Pilotlight runs; an invalid one (or a file gone missing) is
 * refused once, naming the file and every problem, and the last good config stays in force. Driven
 * by {@link #poll()} on the watch thread.
 */
public final class ConfigFileWatcher {
  private final LiveAutoscalerConfig live;
  private final Path autoscalerFile;
  private final Path deploymentFile;
  private final Consumer<AutoscalerConfig> onApplied;
  private final Consumer<String> onRefused;
  private byte[] autoscalerSeen;
  private byte[] deploymentSeen;
  private LiveServingConfig serving;
  private Path featuresFile;
  private Path defaultsFile;
  private Consumer<ServingConfig> onServingApplied;
  private byte[] featuresSeen;
  private byte[] defaultsSeen;

  /**
   * @param autoscalerFile config-autoscaler's file, null when not given
   * @param deploymentFile config-deployment's file, null when not given
   * @param onApplied the new config in force after a valid edit that changed it
   * @param onRefused a refused edit's problems, once per distinct problem
   */
  public ConfigFileWatcher(
      LiveAutoscalerConfig live,
      Path autoscalerFile,
      Path deploymentFile,
      Consumer<AutoscalerConfig> onApplied,
      Consumer<String> onRefused) {
    this.live = live;
    this.autoscalerFile = autoscalerFile;
    this.deploymentFile = deploymentFile;
    this.onApplied = onApplied;
    this.onRefused = onRefused;
    this.autoscalerSeen = read(autoscalerFile);
    this.deploymentSeen = read(deploymentFile);
  }

  /**
   * Also watches config-features' and config-defaults' files.
   *
   * @param featuresFile config-features' file, null when not given
   * @param defaultsFile config-defaults' file, null when not given
   * @param onApplied the config in force after a valid edit that changed it
   */
  public synchronized ConfigFileWatcher serving(
      LiveServingConfig live,
      Path featuresFile,
      Path defaultsFile,
      Consumer<ServingConfig> onApplied) {
    this.serving = live;
    this.featuresFile = featuresFile;
    this.defaultsFile = defaultsFile;
    this.onServingApplied = onApplied;
    this.featuresSeen = read(featuresFile);
    this.defaultsSeen = read(defaultsFile);
    return this;
  }

  /** One look at every file; offers the changed ones. */
  public synchronized void poll() {
    if (autoscalerFile != null) {
      byte[] now = read(autoscalerFile);
      if (!Arrays.equals(now, autoscalerSeen)) {
        autoscalerSeen = now;
        report(
            live.autoscaler(
                autoscalerFile.toString(),
                () -> AutoscalerConfigs.read(existing(autoscalerFile, now))));
      }
    }
    if (deploymentFile != null) {
      byte[] now = read(deploymentFile);
      if (!Arrays.equals(now, deploymentSeen)) {
        deploymentSeen = now;
        report(
            live.deployment(
                deploymentFile.toString(),
                () -> DeploymentConfigs.read(existing(deploymentFile, now))));
      }
    }
    if (featuresFile != null) {
      byte[] now = read(featuresFile);
      if (!Arrays.equals(now, featuresSeen)) {
        featuresSeen = now;
        report(
            serving.features(featuresFile.toString(), () -> readOne(featuresFile, now).features()));
      }
    }
    if (defaultsFile != null) {
      byte[] now = read(defaultsFile);
      if (!Arrays.equals(now, defaultsSeen)) {
        defaultsSeen = now;
        report(
            serving.defaults(defaultsFile.toString(), () -> readOne(defaultsFile, now).defaults()));
      }
    }
  }

  /** The ConfigMap of a file of its own (its problems named with the file). */
  private static KnativeConfigs readOne(Path file, byte[] content) throws IOException {
    return KnativeConfigs.read(List.of(existing(file, content)));
  }

  private void report(LiveServingConfig.Offer offer) {
    if (offer.refusal() != null) {
      onRefused.accept(offer.refusal());
    } else if (offer.applied()) {
      onServingApplied.accept(offer.config());
    }
  }

  private void report(LiveAutoscalerConfig.Offer offer) {
    if (offer.refusal() != null) {
      onRefused.accept(offer.refusal());
    } else if (offer.applied()) {
      onApplied.accept(offer.config());
    }
  }

  private static Path existing(Path file, byte[] content) throws IOException {
    if (content == null) {
      throw new IOException("file is missing");
    }
    return file;
  }

  /** The file's bytes, null when it cannot be read (missing, being replaced). */
  private static byte[] read(Path file) {
    if (file == null) {
      return null;
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
  }
}
