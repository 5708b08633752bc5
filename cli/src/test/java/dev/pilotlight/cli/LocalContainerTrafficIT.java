package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.controller.runtime.local.ContainerEngine;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Knative Service from an image only, through what a user does with it on a laptop: two revisions
 * split 50/50 with a tag on the new one, scale to zero and back through the gateway, the pilot
 * light's reserve container with its cpu and memory limits read back from its cgroup, an image that
 * cannot be pulled shown as {@code ErrImagePull} in status, and no container left after the stop.
 * The image is built from {@code scratch} with a static busybox (no registry): a shell that writes
 * {@code $MSG} to a page and serves it with busybox's httpd on {@code $PORT}.
 */
class LocalContainerTrafficIT {
  static final String IMAGE = "localhost/pilotlight-test-web:1";
  static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @BeforeAll
  static void image(@TempDir Path build) throws Exception {
    TestContainers.engine();
    TestContainers.buildImage(
        IMAGE,
        build,
        Map.of(),
        "[\"/bin/busybox\", \"sh\", \"-c\","
            + " \"echo $MSG > /tmp/index.html && exec /bin/busybox httpd -f -p $PORT -h /tmp\"]");
  }

  static String service(String name, String msg, String annotations, String traffic) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: %s
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/window: "6s"
        %s
            spec:
              containers:
                - image: %s
                  imagePullPolicy: IfNotPresent
                  env:
                    - name: MSG
                      value: %s
        %s
        """
        .formatted(
            name,
            annotations.indent(8).stripTrailing(),
            IMAGE,
            msg,
            traffic.indent(2).stripTrailing());
  }

  @Test
  void splitTagScaleToZeroPilotLightAndPullFailureFromImagesOnly() throws Exception {
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Path web = manifests.resolve("web.yaml");
    Files.writeString(web, service("web", "one", "", ""));
    Files.writeString(
        manifests.resolve("lit.yaml"),
        service(
            "lit",
            "lit",
            """
            pilotlight.dev/reserve-instance: "true"
            pilotlight.dev/reserve-resources: "cpu=250m,memory=64Mi"
            """,
            ""));
    Files.writeString(
        manifests.resolve("ghost.yaml"),
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: ghost
        spec:
          template:
            spec:
              timeoutSeconds: 5
              containers:
                - image: 127.0.0.1:1/pilotlight/absent:1
        """);
    String owner;
    try (LocalProcess local =
        new LocalProcess(dir, List.of("--scale-to-zero-grace=0s"), manifests)) {
      local.awaitReady("web");
      assertThat(local.get("web.default.localhost").body()).isEqualTo("one\n");

      // a new template and a split: half to each revision, the new one also under a tag
      Files.writeString(
          web,
          service(
              "web",
              "two",
              "",
              """
              traffic:
                - revisionName: web-00001
                  percent: 50
                - latestRevision: true
                  percent: 50
                  tag: next
              """));
      Await.until(
          "web-00002 ready; log:\n" + local.logTail(),
          DEADLINE,
          () -> local.revision("web-00002").map(r -> r.path("ready").asBoolean()).orElse(false));
      Await.until(
          "the tag routed",
          DEADLINE,
          () -> local.get("next-web.default.localhost").body().equals("two\n"));
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 40 && seen.size() < 2; i++) {
        HttpResponse<String> r = local.get("web.default.localhost");
        assertThat(r.statusCode()).isEqualTo(200);
        seen.add(r.body());
      }
      assertThat(seen)
          .as("both revisions serve their share")
          .containsExactlyInAnyOrder("one\n", "two\n");

      // idle: both revisions go to zero, their containers gone; the next request wakes one
      Await.until(
          "web at zero with no instance left; log:\n" + local.logTail(),
          DEADLINE,
          () -> atZero(local, "web-00001") && atZero(local, "web-00002"));
      HttpResponse<String> woken = local.get("web.default.localhost");
      assertThat(woken.statusCode()).as(local.logTail()).isEqualTo(200);
      assertThat(woken.body()).isIn("one\n", "two\n");

      // the pilot light: a ready reserve container at zero, its limits applied by the cgroup
      Await.until(
          "lit at zero standard instances with a ready reserve; log:\n" + local.logTail(),
          DEADLINE,
          () -> {
            JsonNode r = local.revision("lit-00001").orElseThrow();
            return r.path("actualReplicas").asInt() == 0
                && r.path("desiredReplicas").asInt() == 0
                && r.path("reserve").path("ready").asBoolean();
          });
      // the standard instance it replaced may still be terminating: the reserve is the ready one
      JsonNode reserve =
          instances(local, "lit-00001").stream()
              .filter(i -> i.path("instanceClass").asText().equals("reserve"))
              .findFirst()
              .orElseThrow();
      assertThat(reserve.path("state").asText()).isEqualTo("Ready");
      assertThat(reserve.path("runtime").asText()).isEqualTo("container");
      assertThat(reserve.path("image").asText()).startsWith(IMAGE + "@");
      String id = containerOf(reserve.path("name").asText());
      String cpu =
          TestContainers.run(
              List.of(
                  "exec",
                  id,
                  "/bin/busybox",
                  "sh",
                  "-c",
                  "cat /sys/fs/cgroup/cpu.max 2>/dev/null"
                      + " || cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
      assertThat(cpu).as("the reserve's cpu quota, read from its cgroup").isNotNull();
      assertThat(cpu.trim()).startsWith("25000"); // 250m of a 100 ms period
      String memory =
          TestContainers.run(
              List.of(
                  "exec",
                  id,
                  "/bin/busybox",
                  "sh",
                  "-c",
                  "cat /sys/fs/cgroup/memory.max 2>/dev/null"
                      + " || cat /sys/fs/cgroup/memory/memory.limit_in_bytes"));
      assertThat(memory.trim()).isEqualTo(Long.toString(64L << 20));
      HttpResponse<String> lit = local.get("lit.default.localhost");
      assertThat(lit.statusCode()).isEqualTo(200);
      assertThat(lit.headers().firstValue("x-pilotlight-instance-class")).hasValue("reserve");
      assertThat(lit.body()).isEqualTo("lit\n");

      // an image that cannot be pulled: the kubelet's reason in status, retried, nothing crashes
      Await.until(
          "ghost's pull failure in status; log:\n" + local.logTail(),
          DEADLINE,
          () -> {
            JsonNode r = local.revision("ghost-00001").orElseThrow();
            // the revision's ContainerHealthy message, from the pod's waiting reason
            return r.path("message").asText().startsWith("Unable to pull image")
                && r.path("message").asText().contains("ErrImagePull")
                && !instances(local, "ghost-00001").isEmpty()
                && instances(local, "ghost-00001")
                    .get(0)
                    .path("state")
                    .asText()
                    .equals("ImagePullBackOff");
          });
      assertThat(local.service("ghost").orElseThrow().path("ready").asBoolean()).isFalse();
      HttpResponse<String> held = local.get("ghost.default.localhost");
      assertThat(held.statusCode()).as("held to its 5 s deadline").isEqualTo(503);
      assertThat(held.body())
          .startsWith("timed out waiting for capacity: revision default/ghost-00001: ")
          .contains("Unable to pull image \"127.0.0.1:1/pilotlight/absent:1\"");

      owner = TestContainers.ownerOf(id);
      local.stop();
    }
    assertThat(TestContainers.leftBy(owner)).as("containers left after the stop").isBlank();
  }

  @Test
  void theContainersOfAKilledRunAreRemovedAtTheNextStartAndServingResumes() throws Exception {
    Path manifest = dir.resolve("web.yaml");
    Files.writeString(
        manifest, service("web", "again", "autoscaling.knative.dev/min-scale: \"1\"", ""));
    String orphan;
    try (LocalProcess first = new LocalProcess(dir, List.of(), manifest)) {
      first.awaitReady("web");
      orphan = containerOf(instances(first, "web-00001").get(0).path("name").asText());
      first.process.destroyForcibly(); // SIGKILL: no chance to stop anything
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(TestContainers.run(List.of("ps", "-q", "--filter", "id=" + orphan)))
        .as("the killed run's container outlives it")
        .isNotBlank();

    String owner;
    try (LocalProcess second = new LocalProcess(dir, List.of(), manifest)) {
      second.awaitReady("web");
      assertThat(TestContainers.run(List.of("ps", "-a", "-q", "--filter", "id=" + orphan)))
          .as("the orphan removed at the start")
          .isBlank();
      assertThat(second.get("web.default.localhost").body()).isEqualTo("again\n");
      String id = containerOf(instances(second, "web-00001").get(0).path("name").asText());
      owner = TestContainers.ownerOf(id);
      second.stop();
    }
    assertThat(TestContainers.leftBy(owner)).as("containers left after the stop").isBlank();
  }

  static boolean atZero(LocalProcess local, String revision)
      throws IOException, InterruptedException {
    JsonNode r = local.revision(revision).orElseThrow();
    return r.path("desiredReplicas").asInt() == 0
        && r.path("actualReplicas").asInt() == 0
        && instances(local, revision).isEmpty();
  }

  static List<JsonNode> instances(LocalProcess local, String revision)
      throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    local.revision(revision).orElseThrow().path("instances").forEach(out::add);
    return out;
  }

  /** The id of the container running an instance, found by its label. */
  static String containerOf(String instance) throws IOException, InterruptedException {
    String ids =
        TestContainers.run(
            List.of(
                "ps",
                "-q",
                "--filter",
                "label=" + ContainerEngine.INSTANCE_LABEL + "=" + instance));
    assertThat(ids).as("the container of %s", instance).isNotBlank();
    return ids.lines().findFirst().orElseThrow().trim();
  }
}
