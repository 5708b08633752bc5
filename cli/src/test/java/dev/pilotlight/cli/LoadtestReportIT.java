package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `pilotlight loadtest --scenario scale-to-zero` against the sample app through a real local
 * Pilotlight: replicas are observed going up under load and back to zero, and the report is
 * written.
 */
class LoadtestReportIT {
  @TempDir Path dir;

  @Test
  void aScaleToZeroRunObservesReplicasUpAndBackToZeroAndWritesTheReport() throws Exception {
    Path manifest = busyManifest();
    try (LocalProcess local =
        new LocalProcess(dir, List.of("--scale-to-zero-grace=1s"), manifest)) {
      local.awaitReady("busy");
      Path json = dir.resolve("run.json");
      Path report = dir.resolve("run.html");
      String out =
          loadtest(
              local,
              "--phases=5s@30",
              "--scenario=scale-to-zero",
              "--wait=120s",
              "--json=" + json,
              "--report=" + report);

      JsonNode run = new ObjectMapper().readTree(json.toFile());
      assertThat(run.path("requests").asLong()).isEqualTo(150);
      assertThat(run.path("errors").asLong()).as(run.path("error_kinds").toString()).isZero();
      JsonNode replicas = run.path("replicas");
      int peakDesired = 0;
      int peakReady = 0;
      for (JsonNode s : replicas) {
        peakDesired = Math.max(peakDesired, s.path("desired").asInt());
        peakReady = Math.max(peakReady, s.path("ready").asInt());
      }
      assertThat(peakDesired).as("scaled up under load: %s", replicas).isGreaterThanOrEqualTo(2);
      // ready >= 1 only: whether a second instance's JVM starts within the 5 s of load depends on
      // how busy the machine is; the scale-up decision above does not
      assertThat(peakReady).as("served under load: %s", replicas).isGreaterThanOrEqualTo(1);
      JsonNode last = replicas.get(replicas.size() - 1);
      // the instance's decisions are in the log: kept in the message, the log dies with the temp
      // dir
      assertThat(last.path("desired").asInt())
          .as("back to zero: %s%nlog:%n%s", last, local.logTail())
          .isZero();
      assertThat(last.path("ready").asInt()).isZero();
      assertThat(run.path("scenario").path("metrics").path("time_to_zero_s").isNumber()).isTrue();
      assertThat(run.path("scale_events").size()).isGreaterThanOrEqualTo(2);

      String html = Files.readString(report);
      assertThat(html.split("<svg ", -1)).hasSize(5); // three over time, the distribution
      assertThat(html)
          .contains("Replicas")
          .contains("time from the last response to zero standard instances")
          .contains("scale down");
      assertThat(out).contains("requests 150");
    }
  }

  /**
   * A Service that scales at one request per instance over a 6 s window, to at most 3 instances: on
   * a loaded 2-core machine the requests held while the first instance starts would otherwise panic
   * it to dozens of instance JVMs (69 in one CI run), which starve each other and the run.
   */
  private Path busyManifest() throws Exception {
    Path manifest = dir.resolve("busy.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: serving.pilotlight.dev/v1
        kind: Service
        metadata:
          name: busy
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/target: "1"
                autoscaling.knative.dev/window: "6s"
                autoscaling.knative.dev/max-scale: "3"
            spec:
              containers:
                - command: ["pilotlight", "sample-app"]
                  args: ["--latency", "100ms"]
        """);
    return manifest;
  }

  @Test
  void aRunLastsItsWholeScheduleSoTrailingIdlePhasesSeeTheScaleGoBackToZero() throws Exception {
    Path manifest = busyManifest();
    try (LocalProcess local =
        new LocalProcess(dir, List.of("--scale-to-zero-grace=1s"), manifest)) {
      local.awaitReady("busy");
      Path json = dir.resolve("idle.json");
      loadtest(local, "--phases=5s@30,30s@0", "--json=" + json);

      JsonNode run = new ObjectMapper().readTree(json.toFile());
      assertThat(run.path("requests").asLong()).isEqualTo(150);
      // the run lasted its schedule, idle phase included
      assertThat(run.path("load_end_s").asDouble() - run.path("load_start_s").asDouble())
          .isGreaterThanOrEqualTo(35.0);
      // the load's own rate: 150 responses in its 5 s, not over the 35 s of the schedule
      assertThat(run.path("throughput_rps").asDouble()).isEqualTo(30.0);
      JsonNode phases = run.path("phases");
      assertThat(phases.size()).isEqualTo(2);
      // by when they came: a response to the load's last requests may come in the idle phase
      assertThat(
              phases.get(0).path("responses").asLong() + phases.get(1).path("responses").asLong())
          .isEqualTo(150);
      assertThat(phases.get(1).path("rate").asDouble()).isZero();
      JsonNode replicas = run.path("replicas");
      JsonNode last = replicas.get(replicas.size() - 1);
      assertThat(last.path("desired").asInt())
          .as("back to zero: %s%nlog:%n%s", replicas, local.logTail())
          .isZero();
      assertThat(last.path("ready").asInt()).as("back to zero: %s", replicas).isZero();
    }
  }

  /**
   * Runs {@code pilotlight loadtest} at service {@code busy} of {@code local}, observing it every
   * 250 ms, with {@code more} arguments; asserts it succeeded and returns what it printed.
   */
  private static String loadtest(LocalProcess local, String... more) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "loadtest",
                "http://127.0.0.1:" + local.port + "/",
                "--host=busy.default.localhost",
                "--observe=busy",
                "--admin-port=" + local.adminPort,
                "--observe-interval=250ms"));
    args.addAll(List.of(more));
    int code = cmd.execute(args.toArray(String[]::new));
    assertThat(code).as("exit code; stderr:\n%s\nlog:\n%s", err, local.logTail()).isZero();
    return out.toString();
  }
}
