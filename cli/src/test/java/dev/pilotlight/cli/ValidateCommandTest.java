package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theExamplesAreValid() {
    Run r = run("validate", "../examples");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("valid");
  }

  @Test
  void problemsAreOneLineEach_namingFileFieldAndRule() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
                - command: ["app"]
          traffic:
            - latestRevision: true
              percent: 90
        """);
    Run r = run("validate", bad.toString(), dir.resolve("missing.yaml").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains(bad + ": Service default/hello: spec.traffic: percents sum to 90 (expected: 100)")
        .contains("missing.yaml: no such file or directory");
  }

  static String docs() throws Exception {
    return Path.of(ValidateCommandTest.class.getResource("/knative-docs").toURI()).toString();
  }

  /** Manifests as Knative's docs write them validate unchanged for Kubernetes. */
  @Test
  void knativeDocsManifestsAreValidForKubernetes() throws Exception {
    Run r = run("validate", "--mode", "kubernetes", docs());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("11 resources valid");
  }

  /**
   * Locally, Knative's hello world (an image, no command) is valid: its image runs as a container,
   * and so are its Secret and ConfigMap volumes and env. Volumes on a revision run as a host
   * process are refused naming the field and what they need.
   */
  @Test
  void locallyImageManifestsWithVolumesAreValidAndAHostProcesssVolumesAreRefused()
      throws Exception {
    Run r = run("validate", docs() + "/hello-world.yaml");
    assertThat(r.code()).as(r.err()).isZero();
    Run volumes = run("validate", "--mode", "local", docs() + "/secrets-and-configmaps.yaml");
    assertThat(volumes.code()).as(volumes.err()).isZero();
    Path process = dir.resolve("process.yaml");
    Files.writeString(
        process,
        Files.readString(Path.of(docs(), "secrets-and-configmaps.yaml"))
            .replace(
                "  template:\n",
                "  template:\n    metadata:\n      annotations:\n"
                    + "        pilotlight.dev/local-runtime: process\n")
            .replace("        - image:", "        - command: [app]\n          image:"));
    Run refused = run("validate", "--mode", "local", process.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err())
        .contains(
            "spec.template.spec.volumes: set (expected: not set on a revision run as a host"
                + " process (volumes need a container runtime")
        .contains("spec.template.spec.containers[0].volumeMounts: set (expected: not set on a");
  }

  @Test
  void featureFlagsComeFromConfigFeatures() throws Exception {
    Path manifest = dir.resolve("pinned.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: pinned
        spec:
          template:
            spec:
              nodeSelector: {disk: ssd}
              containers:
                - image: ghcr.io/example/app:1
        """);
    Run off = run("validate", "--mode", "kubernetes", manifest.toString());
    assertThat(off.code()).isEqualTo(1);
    assertThat(off.err())
        .contains(
            "pinned.yaml: Service default/pinned: spec.template.spec.nodeSelector: {\"disk\":\"ssd\"}"
                + " (expected: not set unless config-features kubernetes.podspec-nodeselector is"
                + " enabled)");
    Path features = dir.resolve("config");
    Files.createDirectories(features);
    Files.writeString(
        features.resolve("features.yaml"),
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: config-features
          namespace: knative-serving
        data:
          _example: |
            # the stock file's documentation block
            multi-container: "enabled"
          kubernetes.podspec-nodeselector: "Enabled"
        """);
    Run on =
        run(
            "validate",
            "--mode",
            "kubernetes",
            "--config",
            features.toString(),
            manifest.toString());
    assertThat(on.code()).as(on.err()).isZero();
  }

  @Test
  void anUnknownModeIsRefused() {
    Run r = run("validate", "--mode", "cloud", "../examples");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--mode: \"cloud\" (expected: local or kubernetes)");
  }
}
