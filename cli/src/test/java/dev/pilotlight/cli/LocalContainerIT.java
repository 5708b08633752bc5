package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pilotlight.controller.runtime.local.ContainerEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Knative-style Service that names only an image runs as a container through the machine's engine
 * (Podman here; CI installs it): served through the gateway on the container's {@code $PORT}, its
 * memory limit applied as a real cgroup limit, and no container left after the stop. The test image
 * is built locally from {@code scratch} with a static busybox (no registry): an httpd on {@code
 * $PORT}.
 */
class LocalContainerIT {
  static final String IMAGE = "localhost/pilotlight-test-httpd:1";
  static ContainerEngine engine;

  @TempDir Path dir;

  @BeforeAll
  static void image(@TempDir Path build) throws Exception {
    Optional<ContainerEngine> found = ContainerEngine.find("auto", System.getenv());
    Path busybox = Path.of("/bin/busybox");
    assumeTrue(
        found.isPresent(),
        "no container engine (podman or docker) on PATH: container instances cannot run here");
    assumeTrue(Files.isExecutable(busybox), "no static busybox to build the test image from");
    engine = found.get();
    Files.createDirectories(build.resolve("root/bin"));
    Files.createDirectories(build.resolve("root/www"));
    Files.copy(busybox, build.resolve("root/bin/busybox"));
    Files.writeString(build.resolve("root/www/index.html"), "hello from a container\n");
    Files.writeString(
        build.resolve("Containerfile"),
        """
        FROM scratch
        COPY root/ /
        ENTRYPOINT ["/bin/busybox", "sh", "-c", "exec /bin/busybox httpd -f -p $PORT -h /www"]
        """);
    String out =
        engine(
            List.of(
                "build",
                "-t",
                IMAGE,
                "-f",
                build.resolve("Containerfile").toString(),
                build.toString()));
    assertThat(out).as("image build").isNotNull();
  }

  /** Runs the engine; returns its output, or null if it failed. */
  static String engine(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(engine.executable().toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return p.exitValue() == 0 ? out : null;
  }

  @Test
  void anImageOnlyServiceServesFromAContainerWithItsMemoryLimitAndLeavesNothingBehind()
      throws Exception {
    Path manifest = dir.resolve("hello.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: boxed
        spec:
          template:
            spec:
              containers:
                - image: %s
                  imagePullPolicy: Never
                  resources:
                    limits:
                      memory: 64Mi
        """
            .formatted(IMAGE));
    String owner;
    try (LocalProcess local = new LocalProcess(dir, List.of(), manifest)) {
      local.awaitReady("boxed");
      var r = local.get("boxed.default.localhost");
      assertThat(r.statusCode()).as(local.logTail()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hello from a container\n");

      String ids =
          engine(
              List.of(
                  "ps",
                  "-q",
                  "--filter",
                  "label=" + ContainerEngine.INSTANCE_LABEL,
                  // this test's container only: other runs may share the engine
                  "--filter",
                  "name=-boxed-0"));
      assertThat(ids).as("our container runs").isNotBlank();
      String id = ids.lines().findFirst().orElseThrow().trim();
      owner =
          engine(
                  List.of(
                      "inspect",
                      "--format",
                      "{{index .Config.Labels \"" + ContainerEngine.OWNER_LABEL + "\"}}",
                      id))
              .trim();
      String limit =
          engine(
              List.of(
                  "exec",
                  id,
                  "/bin/busybox",
                  "sh",
                  "-c",
                  "cat /sys/fs/cgroup/memory.max 2>/dev/null"
                      + " || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"));
      assertThat(limit).as("the memory limit, read back from the container's cgroup").isNotNull();
      assertThat(limit.trim()).isEqualTo(Long.toString(64L << 20));
      local.stop(); // SIGTERM, as a user stops it
    }
    String left =
        engine(
            List.of(
                "ps",
                "-a",
                "-q",
                "--filter",
                "label=" + ContainerEngine.OWNER_LABEL + "=" + owner));
    assertThat(left).as("containers left after the stop").isBlank();
  }
}
