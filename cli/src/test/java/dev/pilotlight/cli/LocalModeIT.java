package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.PrometheusText;
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
    // five revisions at once (more with each edit), beyond the default capacity of a 2-core
    // machine (4 instances of the default 500m); capacity itself is LocalCapacityIT's
    local =
        new LocalProcess(
            work,
            List.of("--scale-to-zero-grace=1s", "--watch-interval=100ms", "--capacity=cpu=16"),
            manifests);
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

  /**
   * The admin port's {@code /metrics} after a scale from zero: the gateway's, the autoscaler's and
   * the node's instances' series; and every series the Grafana dashboard names is among them.
   */
  @Test
  void adminMetricsHaveEveryComponentsSeriesAndAllTheDashboardNames() throws Exception {
    Await.until(
        "sleepy-00001 at zero instances",
        Duration.ofSeconds(120),
        () -> local.revision("sleepy-00001").orElseThrow().path("actualReplicas").asInt() == 0);
    assertThat(local.get("sleepy.default.localhost").statusCode()).isEqualTo(200); // held
    assertThat(local.get("hello.default.localhost").statusCode()).isEqualTo(200);
    String text = scrape();
    PrometheusText m = PrometheusText.parse(text);
    String sleepy = "default/sleepy-00001";
    assertThat(m.value("pilotlight_autoscaler_desired_instances", "revision", sleepy).orElse(0))
        .isGreaterThanOrEqualTo(1);
    for (String name :
        List.of(
            "pilotlight_autoscaler_panic",
            "pilotlight_autoscaler_stable_average",
            "pilotlight_autoscaler_panic_average",
            "pilotlight_autoscaler_target_per_instance",
            "pilotlight_autoscaler_ready_instances",
            "pilotlight_instances_starting",
            "pilotlight_instances_ready",
            "pilotlight_instances_pending",
            "pilotlight_instances_reserve",
            "pilotlight_instances_restarts_total",
            "pilotlight_gateway_held_seconds_count")) {
      assertThat(m.value(name, "revision", sleepy)).as(name).isPresent();
    }
    assertThat(m.value("pilotlight_gateway_held_seconds_count", "revision", sleepy).getAsDouble())
        .isGreaterThanOrEqualTo(1);
    assertThat(m.value("pilotlight_autoscaler_tick_duration_seconds_count")).isPresent();
    assertThat(m.anyLabelled("revision", "default/hello-00001")).isTrue();
    // the controller's reconcilers, the same series as on Kubernetes (one kind per reconciler)
    assertThat(
            m.value(
                    "pilotlight_controller_reconciles_total",
                    "kind",
                    "Revision",
                    "result",
                    "success")
                .orElse(0))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            m.value("pilotlight_controller_reconcile_duration_seconds_count", "kind", "Revision"))
        .isPresent();
    assertThat(m.value("pilotlight_controller_queue_depth", "kind", "Revision")).isPresent();

    // the dashboard: valid JSON, a Prometheus data source variable and a revision variable, and
    // only series this scrape has (a histogram's _bucket, _sum and _count are its family's)
    JsonNode dashboard =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                Files.readString(
                    Path.of("..", "deploy", "observability", "pilotlight-dashboard.json")));
    assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
    List<String> variables = new java.util.ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).contains("datasource", "revision");
    java.util.Set<String> names = new java.util.HashSet<>();
    m.samples().forEach(sample -> names.add(sample.name()));
    java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\bpilotlight_[a-z0-9_]+");
    int exprs = 0;
    java.util.Set<String> named = new java.util.HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as(panel.path("title").asText()).isNotBlank();
        exprs++;
        java.util.regex.Matcher found = metric.matcher(expr);
        while (found.find()) {
          String name = found.group();
          named.add(name);
          String family = name.replaceFirst("_(bucket|sum|count)$", "");
          assertThat(names.contains(name) || names.contains(family + "_bucket"))
              .as("%s (panel %s) in the scrape", name, panel.path("title").asText())
              .isTrue();
        }
      }
    }
    assertThat(exprs).isGreaterThan(10);
    assertThat(named)
        .contains(
            "pilotlight_gateway_requests_total",
            "pilotlight_gateway_request_duration_seconds_bucket",
            "pilotlight_gateway_queue_depth",
            "pilotlight_gateway_held_seconds_bucket",
            "pilotlight_autoscaler_desired_instances",
            "pilotlight_instances_ready",
            "pilotlight_instances_reserve",
            "pilotlight_autoscaler_panic");
  }

  private String scrape() throws Exception {
    java.net.http.HttpResponse<String> r =
        local.http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + local.adminPort + "/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }
}
