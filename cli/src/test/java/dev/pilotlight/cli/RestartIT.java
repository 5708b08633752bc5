package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping leaves no process behind; the revision history survives a restart. */
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
}
