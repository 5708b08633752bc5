package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping leaves no process behind; the revisions survive a restart, a SIGKILL included (the
 * object store in the state directory), and the instances a killed run left are stopped.
 */
class RestartIT {
  @TempDir Path work;

  static String service(String greeting, String traffic) {
    return TestManifests.sampleService("hello", greeting, traffic);
  }

  @Test
  void sigtermStopsEveryInstanceAndHistorySurvivesRestart() throws Exception {
    Path manifest = work.resolve("hello.yaml");
    Files.writeString(manifest, service("one", ""));
    Set<Long> instancePids = new HashSet<>();
    try (LocalProcess first = new LocalProcess(work, List.of(), manifest)) {
      first.awaitReady("hello");
      assertThat(first.get("hello.default.localhost").body()).contains("hello-00001");
      first.process.descendants().forEach(p -> instancePids.add(p.pid()));
      assertThat(instancePids).isNotEmpty();
      assertThat(first.stop()).as("exit status after SIGTERM (143 = 128 + SIGTERM)").isIn(0, 143);
    }
    Await.until(
        "every instance process gone after SIGTERM",
        Duration.ofSeconds(30),
        () ->
            instancePids.stream()
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

    // A new template plus a traffic block naming the revision from the first run.
    Files.writeString(
        manifest,
        service(
            "two",
            """
            traffic:
                - revisionName: hello-00001
                  percent: 50
                - latestRevision: true
                  percent: 50
            """));
    try (LocalProcess second = new LocalProcess(work, List.of(), manifest)) {
      second.awaitReady("hello");
      Set<String> seen = new HashSet<>();
      Await.until(
          "both revisions answering",
          Duration.ofSeconds(60),
          () -> {
            String body = second.get("hello.default.localhost").body();
            seen.add(
                body.contains("hello-00001")
                    ? "hello-00001"
                    : body.contains("hello-00002") ? "hello-00002" : body);
            return seen.containsAll(Set.of("hello-00001", "hello-00002"));
          });
      assertThat(seen).containsExactlyInAnyOrder("hello-00001", "hello-00002");
    }
  }

  @Test
  void afterSigkillTheSameRevisionsComeBackNothingIsStampedTwiceAndOrphansAreStopped()
      throws Exception {
    Path manifest = work.resolve("hello.yaml");
    Files.writeString(manifest, service("one", ""));
    Set<Long> orphans = new HashSet<>();
    String uid;
    try (LocalProcess first = new LocalProcess(work, List.of(), manifest)) {
      first.awaitReady("hello");
      assertThat(first.get("hello.default.localhost").body()).contains("hello-00001");
      uid = revisionUid(first.stateDir, "hello-00001");
      first.process.descendants().forEach(p -> orphans.add(p.pid()));
      assertThat(orphans).isNotEmpty();
      first.process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    // the same file (named relative to the working directory this time), the same state
    // directory: the same revision (by uid), nothing stamped again
    try (LocalProcess second = new LocalProcess(work, List.of(), Path.of("hello.yaml"))) {
      second.awaitReady("hello");
      assertThat(second.get("hello.default.localhost").body()).contains("hello-00001");
      assertThat(revisionUid(second.stateDir, "hello-00001")).isEqualTo(uid);
      List<String> revisions = new ArrayList<>();
      second.status().path("revisions").forEach(r -> revisions.add(r.path("name").asText()));
      assertThat(revisions).containsExactly("hello-00001");
      Await.until(
          "every instance of the killed run stopped",
          Duration.ofSeconds(30),
          () ->
              orphans.stream()
                  .noneMatch(
                      pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }
  }

  /** The uid of a Revision in the object store's file. */
  private static String revisionUid(Path stateDir, String name) throws Exception {
    JsonNode state = new ObjectMapper().readTree(stateDir.resolve("objects.json").toFile());
    List<String> uids = new ArrayList<>();
    state
        .findParents("kind")
        .forEach(
            o -> {
              if (o.path("kind").asText().equals("Revision")
                  && o.path("metadata").path("name").asText().equals(name)) {
                uids.add(o.path("metadata").path("uid").asText());
              }
            });
    assertThat(uids).as("Revision %s in %s", name, state).hasSize(1);
    return uids.get(0);
  }
}
