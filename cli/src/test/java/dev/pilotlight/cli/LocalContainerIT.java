package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.runtime.local.ContainerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

  @TempDir Path dir;

  @BeforeAll
  static void image(@TempDir Path build) throws Exception {
    TestContainers.engine();
    TestContainers.buildImage(
        IMAGE,
        build,
        Map.of("www/index.html", "hello from a container\n"),
        "[\"/bin/busybox\", \"sh\", \"-c\", \"exec /bin/busybox httpd -f -p $PORT -h /www\"]");
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
          TestContainers.run(
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
      owner = TestContainers.ownerOf(id);
      String limit =
          TestContainers.run(
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
    assertThat(TestContainers.leftBy(owner)).as("containers left after the stop").isBlank();
  }
}
