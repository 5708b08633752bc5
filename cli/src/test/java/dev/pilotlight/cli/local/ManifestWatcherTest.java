package dev.pilotlight.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.validation.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher driven by hand: each poll() is one pass, no timers. */
class ManifestWatcherTest {
  @TempDir Path dir;

  final List<String> applied = new ArrayList<>();
  final List<Path> removed = new ArrayList<>();
  final List<String> refused = new ArrayList<>();

  static String service(String name, int percent) {
    return """
        apiVersion: serving.pilotlight.dev/v1
        kind: Service
        metadata:
          name: %s
        spec:
          template:
            spec:
              containers:
                - command: ["app"]
          traffic:
            - latestRevision: true
              percent: %d
        """
        .formatted(name, percent);
  }

  ManifestWatcher watcher(Path... args) {
    return new ManifestWatcher(
        List.of(args),
        new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, true)),
        (file, manifest) ->
            applied.add(
                file.getFileName()
                    + ":"
                    + manifest.resources().stream().map(Resource::name).toList()),
        removed::add,
        (file, message) -> refused.add(message));
  }

  @Test
  void appliesChanges_refusesInvalidEdits_ignoresUnchangedContent() throws Exception {
    Path file = dir.resolve("svc.yaml");
    Files.writeString(file, service("a", 100));
    ManifestWatcher w = watcher(file);
    w.markApplied(file);
    w.poll();
    assertThat(applied).isEmpty();

    Files.writeString(file, service("a", 90));
    w.poll();
    assertThat(applied).isEmpty();
    assertThat(refused)
        .singleElement()
        .asString()
        .contains("spec.traffic: percents sum to 90 (expected: 100)");

    Files.writeString(file, service("b", 100));
    w.poll();
    w.poll();
    assertThat(applied).containsExactly("svc.yaml:[b]");
  }

  /** A manifest refused by the autoscaling config in force is read again when that changes. */
  @Test
  void aRefusedFileIsReadAgainWhenWhatItWasValidatedAgainstChanges() throws Exception {
    java.util.concurrent.atomic.AtomicReference<AutoscalerConfig> config =
        new java.util.concurrent.atomic.AtomicReference<>(
            dev.pilotlight.api.autoscaling.AutoscalerConfigs.fromData(
                java.util.Map.of("max-scale-limit", "5", "max-scale", "5")));
    ManifestWatcher w =
        new ManifestWatcher(
            List.of(dir),
            new ManifestReader(new Validator(config::get, true)),
            (file, manifest) -> applied.add(file.getFileName().toString()),
            removed::add,
            (file, message) -> refused.add(message));
    Files.writeString(
        dir.resolve("big.yaml"),
        service("big", 100)
            .replace(
                "  template:\n",
                "  template:\n    metadata:\n      annotations:\n"
                    + "        autoscaling.knative.dev/max-scale: \"10\"\n"));
    w.poll();
    assertThat(refused).singleElement().asString().contains("max-scale-limit");
    w.poll();
    assertThat(applied).as("unchanged: not read again").isEmpty();

    config.set(
        dev.pilotlight.api.autoscaling.AutoscalerConfigs.fromData(
            java.util.Map.of("max-scale-limit", "20", "max-scale", "5")));
    w.retryRefused();
    w.poll();
    assertThat(applied).containsExactly("big.yaml");
    assertThat(refused).hasSize(1);
  }

  @Test
  void filesAddedToAndRemovedFromAWatchedDirectory() throws Exception {
    ManifestWatcher w = watcher(dir);
    Path file = dir.resolve("new.yml");
    Files.writeString(file, service("n", 100));
    Files.writeString(dir.resolve("notes.txt"), "not a manifest");
    w.poll();
    assertThat(applied).containsExactly("new.yml:[n]");
    Files.delete(file);
    w.poll();
    assertThat(removed).containsExactly(file);
  }

  @Test
  void aMissingNamedFileKeepsItsLastGoodState() throws Exception {
    Path file = dir.resolve("svc.yaml");
    Files.writeString(file, service("a", 100));
    ManifestWatcher w = watcher(file);
    w.markApplied(file);
    Files.delete(file);
    w.poll();
    w.poll();
    assertThat(removed).isEmpty();
    assertThat(refused).singleElement().asString().contains("last good state keeps serving");
  }
}
