package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pilot light end to end in local mode: the built jar as a process, the sample app with a
 * startup delay of several seconds as instances (standard and reserve), real HTTP through the
 * gateway. Which instance answered is read from {@code X-Pilotlight-Instance-Class}, never from
 * timing; every wait is a condition with a deadline. The stable window is Knative's shortest (6s)
 * and the scale-to-zero grace 0s, so idle comes quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PilotLightIT {
  static final Duration DEADLINE = Duration.ofSeconds(120);

  @TempDir static Path work;
  LocalProcess local;

  static String service(String name, String extraAnnotations, String extraArgs) {
    return """
        apiVersion: serving.pilotlight.dev/v1
        kind: Service
        metadata:
          name: %s
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/window: "6s"
                pilotlight.dev/reserve-instance: "true"
                pilotlight.dev/reserve-resources: "cpu=250m,memory=128Mi"
        %s
            spec:
              containers:
                - command: ["pilotlight", "sample-app"]
                  args: ["--startup-delay", "3s"%s]
        """
        .formatted(name, extraAnnotations.indent(8).stripTrailing(), extraArgs);
  }

  @BeforeAll
  void start() throws Exception {
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    Files.writeString(manifests.resolve("pilot.yaml"), service("pilot", "", ""));
    Files.writeString(
        manifests.resolve("trickle.yaml"),
        service(
            "trickle", "pilotlight.dev/reserve-serves-up-to: \"1\"", ", \"--latency\", \"200ms\""));
    local = new LocalProcess(work, List.of("--scale-to-zero-grace=0s"), manifests);
    local.awaitReady("pilot");
    local.awaitReady("trickle");
  }

  @AfterAll
  void stop() throws Exception {
    if (local != null) {
      local.close();
    }
  }

  JsonNode revision(String name) throws IOException, InterruptedException {
    return local.revision(name).orElseThrow();
  }

  /** Zero standard instances wanted or ready, and a ready reserve. */
  void awaitIdleWithReadyReserve(String revision) {
    Await.until(
        revision + " at zero standard instances with a ready reserve; log:\n" + local.logTail(),
        DEADLINE,
        () -> {
          JsonNode r = revision(revision);
          assertWarm(r);
          return r.path("desiredReplicas").asInt() == 0
              && r.path("actualReplicas").asInt() == 0
              && r.path("reserve").path("ready").asBoolean();
        });
  }

  /** Never a moment with nothing warm: a standard instance or the reserve is ready. */
  static void assertWarm(JsonNode r) {
    assertThat(r.path("actualReplicas").asInt() > 0 || r.path("reserve").path("ready").asBoolean())
        .as("something warm: %s", r)
        .isTrue();
  }

  /** The pid of the reserve process, from the runtime's pid files. */
  Optional<Long> reservePid(String revision) throws IOException {
    Path pids = local.stateDir.resolve("pids");
    if (!Files.isDirectory(pids)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(pids)) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().startsWith(revision + "-reserve-")) {
          try {
            return Optional.of(Long.parseLong(Files.readString(p).trim().split(" ")[0]));
          } catch (IOException | NumberFormatException e) {
            // being written or just removed: not there yet
          }
        }
      }
    }
    return Optional.empty();
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void idleKeepsAReadyReserve_whichServesTheNextRequestWhileStandardInstancesStart()
      throws Exception {
    assertThat(revision("pilot-00001").path("reserve").path("enabled").asBoolean()).isTrue();
    awaitIdleWithReadyReserve("pilot-00001");
    long firstReserve = reservePid("pilot-00001").orElseThrow();
    assertThat(
            Files.readString(
                local.stateDir.resolve("logs/default/pilot-00001/pilot-00001-reserve-1.log")))
        .startsWith("pilotlight: reserve instance pilot-00001-reserve-1")
        .contains("memory=128Mi: not applied");

    // the next request: answered by the reserve, standard instances start behind it
    HttpResponse<String> first = local.get("pilot.default.localhost");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-pilotlight-instance-class")).hasValue("reserve");
    assertThat(first.body()).contains("pilot-00001 (reserve)");
    Await.until(
        "a standard instance ready; log:\n" + local.logTail(),
        DEADLINE,
        () -> {
          JsonNode r = revision("pilot-00001");
          assertWarm(r);
          return r.path("actualReplicas").asInt() >= 1;
        });
    HttpResponse<String> next = local.get("pilot.default.localhost");
    assertThat(next.headers().firstValue("x-pilotlight-instance-class")).hasValue("standard");
    assertThat(next.body()).contains("pilot-00001 (standard)");

    // the reserve is stopped once standard instances serve
    Await.until(
        "the reserve stopped",
        DEADLINE,
        () ->
            revision("pilot-00001").path("reserve").path("state").asText().equals("off")
                && !alive(firstReserve));

    // ... and comes back with the next idle period
    awaitIdleWithReadyReserve("pilot-00001");
    long secondReserve = reservePid("pilot-00001").orElseThrow();
    assertThat(secondReserve).isNotEqualTo(firstReserve);

    // a crash of the reserve process is recovered
    ProcessHandle.of(secondReserve).orElseThrow().destroyForcibly();
    Await.until(
        "the reserve restarted after its crash; log:\n" + local.logTail(),
        DEADLINE,
        () -> {
          Optional<Long> pid = reservePid("pilot-00001");
          return pid.isPresent()
              && pid.get() != secondReserve
              && revision("pilot-00001").path("reserve").path("ready").asBoolean();
        });
    assertThat(revision("pilot-00001").path("actualReplicas").asInt()).isZero();
    HttpResponse<String> afterCrash = local.get("pilot.default.localhost");
    assertThat(afterCrash.statusCode()).isEqualTo(200);
    assertThat(afterCrash.headers().firstValue("x-pilotlight-instance-class")).hasValue("reserve");
  }

  @Test
  void aTrickleWithinServesUpToNeverStartsAStandardInstance() throws Exception {
    awaitIdleWithReadyReserve("trickle-00001");
    // sequential requests of 200 ms each for several seconds: more than two autoscaler ticks
    for (int i = 0; i < 25; i++) {
      HttpResponse<String> r = local.get("trickle.default.localhost");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-pilotlight-instance-class")).hasValue("reserve");
      JsonNode rev = revision("trickle-00001");
      assertThat(rev.path("desiredReplicas").asInt()).as("request %d: %s", i, rev).isZero();
      assertThat(rev.path("actualReplicas").asInt()).as("request %d: %s", i, rev).isZero();
    }
    assertThat(local.logText()).doesNotContain("trickle-00001: scale 0 -> ");
  }
}
