package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.testkit.Await;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * `pilotlight local` end to end, as a user runs it: the built jar as a process, the sample app as
 * instances, real HTTP through the gateway. One local process serves several services so the suite
 * starts the JVMs once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalModeIT {
  @TempDir static Path work;
  LocalProcess local;
  Path editable;

  static final String HELLO =
      """
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          spec:
            containers:
              - command: ["pilotlight", "sample-app"]
      """;

  static final String SLEEPY =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Service
      metadata:
        name: sleepy
      spec:
        template:
          metadata:
            annotations:
              autoscaling.knative.dev/window: "6s"
          spec:
            containers:
              - command: ["pilotlight", "sample-app"]
                args: ["--startup-delay", "300ms"]
      """;

  static String editable(String greeting, String traffic) {
    return TestManifests.sampleService("editable", greeting, traffic);
  }

  @BeforeAll
  void start() throws Exception {
    Path manifests = Files.createDirectories(work.resolve("manifests"));
    Files.writeString(manifests.resolve("hello.yaml"), HELLO);
    Files.writeString(manifests.resolve("sleepy.yaml"), SLEEPY);
    editable = manifests.resolve("editable.yaml");
    Files.writeString(editable, editable("one", ""));
    Files.copy(
        Path.of("..", "examples", "traffic-split.yaml"), manifests.resolve("traffic-split.yaml"));
    local =
        new LocalProcess(
            work, List.of("--scale-to-zero-grace=1s", "--watch-interval=100ms"), manifests);
    for (String service : List.of("hello", "sleepy", "editable", "split")) {
      local.awaitReady(service);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (local != null) {
      local.close();
    }
  }

  @Test
  void serviceAnswersThroughTheGateway() throws Exception {
    HttpResponse<String> response = local.get("hello.default.localhost");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("hello-00001");
    assertThat(response.headers().firstValue("server-timing"))
        .hasValueSatisfying(v -> assertThat(v).contains("hold"));
  }

  @Test
  void unknownHostIs404WithReason() throws Exception {
    HttpResponse<String> response = local.get("nope.default.localhost");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("nope.default.localhost");
  }

  @Test
  void trafficSplitHoldsWithinFivePointsOverAThousandRequests() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      HttpResponse<String> r = local.get("split.default.localhost");
      assertThat(r.statusCode()).isEqualTo(200);
      counts.merge(r.headers().firstValue("x-revision").orElse("?"), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactlyInAnyOrder("blue-00001", "green-00001");
    assertThat(counts.get("blue-00001")).isBetween(750, 850);

    HttpResponse<String> tagged = local.get("canary-split.default.localhost");
    assertThat(tagged.statusCode()).isEqualTo(200);
    assertThat(tagged.body()).contains("green-00001");
  }

  @Test
  void idleRevisionGoesToZeroAndTheNextRequestIsStillServed() throws Exception {
    Await.until(
        "sleepy-00001 at zero instances",
        Duration.ofSeconds(120),
        () -> {
          JsonNode rev = local.revision("sleepy-00001").orElseThrow();
          return rev.path("desiredReplicas").asInt() == 0
              && rev.path("actualReplicas").asInt() == 0;
        });
    // the gateway's held count is part of the status: nothing waits now
    assertThat(local.revision("sleepy-00001").orElseThrow().path("held").isInt()).isTrue();
    assertThat(local.revision("sleepy-00001").orElseThrow().path("held").asInt()).isZero();
    HttpResponse<String> response = local.get("sleepy.default.localhost");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("sleepy-00001");
    assertThat(response.headers().firstValue("x-sample-ready-age-us")).isPresent();
    JsonNode rev = local.revision("sleepy-00001").orElseThrow();
    assertThat(rev.path("desiredReplicas").asInt()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void invalidEditIsRefusedAndTheLastGoodStateKeepsServing() throws Exception {
    Files.writeString(
        editable,
        editable(
            "two",
            """
            traffic:
                - latestRevision: true
                  percent: 90
            """));
    Await.until(
        "the edit refused",
        Duration.ofSeconds(30),
        () -> local.logText().contains("percents sum to 90"));
    HttpResponse<String> response = local.get("editable.default.localhost");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("editable-00001");

    // A valid edit of the template stamps a new revision that takes the traffic once ready.
    Files.writeString(editable, editable("three", ""));
    Await.until(
        "editable-00002 serving",
        Duration.ofSeconds(90),
        () -> local.get("editable.default.localhost").body().contains("editable-00002"));
  }

  @Test
  void loadtestCommandThroughTheGateway() throws Exception {
    Path json = work.resolve("loadtest.json");
    int code =
        Main.commandLine()
            .setOut(new java.io.PrintWriter(new java.io.StringWriter()))
            .execute(
                "loadtest",
                "http://127.0.0.1:" + local.port + "/",
                "--host",
                "hello.default.localhost",
                "--rate",
                "50",
                "--duration",
                "2s",
                "--json",
                json.toString());
    assertThat(code).isZero();
    JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertThat(result.path("requests").asLong()).isEqualTo(100);
    assertThat(result.path("errors").asLong()).isZero();
    assertThat(result.path("latency_ms").path("p99").asDouble()).isPositive();
  }

  @Test
  void statusAndValidateCommands() throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    int code =
        Main.commandLine()
            .setOut(new java.io.PrintWriter(out))
            .execute("status", "--admin-port", Integer.toString(local.adminPort));
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("hello", "http://hello.default.localhost:" + local.port, "hello-00001");

    java.io.StringWriter json = new java.io.StringWriter();
    code =
        Main.commandLine()
            .setOut(new java.io.PrintWriter(json))
            .execute(
                "status", "--admin-port", Integer.toString(local.adminPort), "--output", "json");
    assertThat(code).isZero();
    JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString());
    JsonNode split = null;
    for (JsonNode s : status.path("services")) {
      if (s.path("name").asText().equals("split")) {
        split = s;
      }
    }
    assertThat(split).isNotNull();
    assertThat(split.path("url").asText())
        .isEqualTo("http://split.default.localhost:" + local.port);
    assertThat(split.path("traffic").get(1).path("revisionName").asText()).isEqualTo("green-00001");
    assertThat(split.path("traffic").get(1).path("percent").asInt()).isEqualTo(20);
    assertThat(split.path("traffic").get(1).path("tag").asText()).isEqualTo("canary");
    assertThat(split.path("traffic").get(1).path("url").asText())
        .isEqualTo("http://canary-split.default.localhost:" + local.port);
  }
}
