package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.testkit.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capacity, as a node has it, end to end: {@code pilotlight local --capacity cpu=1
 * --instance-request cpu=500m} runs two instances of half a core; a third one wanted stays Pending
 * (Unschedulable, with Kubernetes' message) in {@code pilotlight status}, and another revision's
 * instance starts once the instances holding the node have exited.
 */
class LocalCapacityIT {
  static final Duration DEADLINE = Duration.ofSeconds(90);

  /** The revision's ResourcesAvailable message, as the reconciler writes it from the pod's. */
  static final String UNSCHEDULABLE =
      "no node can run an instance: 0/1 nodes are available: insufficient cpu (requests"
          + " 500m, free 0m of 1000m) (lower the container's resource requests or add capacity)";

  @TempDir Path work;

  static String service(String name, int minScale) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: %s
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/min-scale: "%d"
            spec:
              containers:
                - command: ["pilotlight", "sample-app"]
        """
        .formatted(name, minScale);
  }

  @Test
  void beyondCapacityAnInstanceStaysPendingUnschedulable_andStartsWhenCapacityFrees()
      throws Exception {
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    Path wide = manifests.resolve("wide.yaml");
    Files.writeString(wide, service("wide", 3));
    try (LocalProcess local =
        new LocalProcess(
            work,
            List.of("--capacity=cpu=1", "--instance-request=cpu=500m", "--watch-interval=100ms"),
            manifests)) {
      local.awaitReady("wide");
      JsonNode wide1 =
          Await.untilValue(
              "two of wide's three instances ready, one pending; log:\n" + local.logTail(),
              DEADLINE,
              () -> local.revision("wide-00001").orElseThrow(),
              r ->
                  r.path("actualReplicas").asInt() == 2
                      && r.path("pending").asInt() == 1
                      && r.path("message").asText().equals(UNSCHEDULABLE));
      assertThat(wide1.path("desiredReplicas").asInt()).isEqualTo(3);
      assertThat(local.logText())
          .contains("node capacity cpu=1000m,memory=")
          .contains("else cpu=500m,memory=256Mi")
          .contains("Revision default/wide-00001: Unschedulable: " + UNSCHEDULABLE);

      // the same through `pilotlight status`
      StringWriter out = new StringWriter();
      assertThat(
              Main.commandLine()
                  .setOut(new PrintWriter(out))
                  .execute("status", "--admin-port", Integer.toString(local.adminPort)))
          .isZero();
      assertThat(out.toString())
          .containsPattern("DESIRED +READY +PENDING")
          .containsPattern("wide-00001 +wide +3 +2 +1 ")
          .contains(UNSCHEDULABLE);
      out = new StringWriter();
      assertThat(
              Main.commandLine()
                  .setOut(new PrintWriter(out))
                  .execute(
                      "status", "-o", "json", "--admin-port", Integer.toString(local.adminPort)))
          .isZero();
      JsonNode json = new ObjectMapper().readTree(out.toString());
      assertThat(json.path("revisions").get(0).path("pending").asInt()).isEqualTo(1);

      // another service waits for the node too ...
      Files.writeString(manifests.resolve("narrow.yaml"), service("narrow", 1));
      Await.until(
          "narrow-00001 pending, Unschedulable; log:\n" + local.logTail(),
          DEADLINE,
          () ->
              local
                  .revision("narrow-00001")
                  .map(
                      r ->
                          r.path("pending").asInt() == 1
                              && r.path("actualReplicas").asInt() == 0
                              && r.path("message")
                                  .asText()
                                  .startsWith("no node can run an instance: "))
                  .orElse(false));
      // ... and starts once wide's instances have exited and freed their requests
      Files.delete(wide);
      local.awaitReady("narrow");
      JsonNode narrow = local.revision("narrow-00001").orElseThrow();
      assertThat(narrow.path("actualReplicas").asInt()).isEqualTo(1);
      assertThat(narrow.path("pending").asInt()).isZero();
      assertThat(narrow.has("message")).as("%s", narrow).isFalse();
      assertThat(local.get("narrow.default.localhost").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aBadCapacityIsRefusedNamingTheOptionAndTheRule() throws Exception {
    Path manifest = work.resolve("wide.yaml");
    Files.writeString(manifest, service("wide", 1));
    try (LocalProcess local = new LocalProcess(work, List.of("--capacity=cpu=2,gpu=1"), manifest)) {
      assertThat(local.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(local.process.exitValue()).isEqualTo(2);
      assertThat(local.logText())
          .contains("--capacity: \"gpu=1\" (expected: resource names cpu, memory)");
    }
  }
}
