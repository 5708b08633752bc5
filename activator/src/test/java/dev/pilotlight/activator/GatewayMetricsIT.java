package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.PrometheusText;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Prometheus series after real requests over real sockets, scraped through {@link
 * Gateway#exposition()} (what the admin server's {@code /metrics} serves).
 */
class GatewayMetricsIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey WARM = new RevisionKey("default", "warm-00001");
  static final RevisionKey COLD = new RevisionKey("default", "cold-00001");
  static final String WARM_HOST = "warm.default.localhost";
  static final String COLD_HOST = "cold.default.localhost";
  static final String P = GatewayMetrics.PREFIX;

  // HTTP/1.1 on purpose: the JDK client would otherwise upgrade to h2c (GatewayH2IT covers that)
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ExecutorService upstreamThreads = Executors.newFixedThreadPool(4);
  HttpServer upstream;
  Gateway gateway;
  int port;

  static final StatSink NO_STATS =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {}

        @Override
        public void poke(RevisionKey revision) {}
      };

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(upstreamThreads);
    upstream.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          byte[] out = "ok".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, out.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
          }
        });
    upstream.start();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            NO_STATS,
            Ticker.system());
    port = gateway.start();
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                WARM_HOST,
                new HostRoute("default", "warm", List.of(new WeightedRevision(WARM, 100))),
                COLD_HOST,
                new HostRoute("default", "cold", List.of(new WeightedRevision(COLD, 100))))));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    upstream.stop(0);
    upstreamThreads.shutdownNow();
  }

  Endpoint instance(String id, InstanceClass c) {
    return new Endpoint(id, "127.0.0.1", upstream.getAddress().getPort(), c);
  }

  void ready(RevisionKey rev, Duration timeout, Endpoint... endpoints) {
    gateway.onEndpoints(new RevisionEndpoints(rev, 0, timeout, List.of(endpoints)));
  }

  HttpRequest get(String host) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .header("Host", host)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  PrometheusText scrape() {
    return PrometheusText.parse(
        new String(gateway.exposition().scrape(null).body(), StandardCharsets.UTF_8));
  }

  static OptionalDouble requests(
      PrometheusText t, String revision, String status, String instanceClass) {
    return t.value(
        P + "requests_total",
        "revision",
        revision,
        "status",
        status,
        "instance_class",
        instanceClass);
  }

  static OptionalDouble gauge(PrometheusText t, String name, RevisionKey rev) {
    return t.value(P + name, "revision", rev.toString());
  }

  @Test
  void servedUnknownAndHeldRequestsAreCountedWithTheirLabels() throws Exception {
    ready(WARM, Duration.ofSeconds(30), instance("w1", InstanceClass.STANDARD));
    ready(COLD, Duration.ofSeconds(30)); // scaled to zero

    assertThat(send(get(WARM_HOST)).statusCode()).isEqualTo(200);
    assertThat(send(get("nope.default.localhost")).statusCode()).isEqualTo(404);

    CompletableFuture<HttpResponse<String>> held =
        client.sendAsync(get(COLD_HOST), HttpResponse.BodyHandlers.ofString());
    PrometheusText waiting =
        Await.untilValue(
            "the cold request held",
            Duration.ofSeconds(10),
            this::scrape,
            // one scrape reads in_flight before queue_depth: a request that arrives in between is
            // in the second and not yet in the first, so wait for a scrape that has it in both
            t ->
                gauge(t, "queue_depth", COLD).orElse(0) == 1
                    && gauge(t, "in_flight", COLD).isPresent());
    assertThat(gauge(waiting, "in_flight", COLD)).hasValue(1);
    assertThat(held).isNotDone();
    ready(COLD, Duration.ofSeconds(30), instance("c1", InstanceClass.RESERVE));
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

    // each exchange is counted before its response's last byte is written
    PrometheusText t = scrape();
    assertThat(requests(t, WARM.toString(), "200", "standard")).hasValue(1);
    assertThat(requests(t, "", "404", "none")).hasValue(1);
    assertThat(requests(t, COLD.toString(), "200", "reserve")).hasValue(1);
    assertThat(t.series(P + "requests_total")).hasSize(3);
    assertThat(t.value(P + "errors_total", "reason", "unknown_host")).hasValue(1);

    String duration = P + "request_duration_seconds_count";
    assertThat(t.value(duration, "revision", WARM.toString())).hasValue(1);
    assertThat(t.value(duration, "revision", COLD.toString())).hasValue(1);
    assertThat(t.value(P + "held_seconds_count", "revision", COLD.toString())).hasValue(1);
    assertThat(t.value(P + "held_seconds_sum", "revision", COLD.toString()).orElseThrow())
        .isPositive();
    assertThat(t.value(P + "held_seconds_count", "revision", WARM.toString())).hasValue(0);
    assertThat(gauge(t, "in_flight", COLD)).hasValue(0);
    assertThat(gauge(t, "queue_depth", COLD)).hasValue(0);
  }

  @Test
  void gatewayErrorsAreCountedByStatusAndReason() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ready(
        WARM,
        Duration.ofSeconds(30),
        new Endpoint("dead", "127.0.0.1", closedPort, InstanceClass.STANDARD));
    ready(COLD, Duration.ofMillis(300)); // nothing comes up before the deadline

    assertThat(send(get(WARM_HOST)).statusCode()).isEqualTo(502);
    assertThat(send(get(COLD_HOST)).statusCode()).isEqualTo(503);
    HttpRequest huge =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("Host", WARM_HOST)
            .header("X-Big", "x".repeat(32 * 1024))
            .timeout(Duration.ofSeconds(30))
            .build();
    assertThat(send(huge).statusCode()).isEqualTo(431);

    PrometheusText t = scrape();
    assertThat(requests(t, WARM.toString(), "502", "standard")).hasValue(1);
    assertThat(requests(t, COLD.toString(), "503", "none")).hasValue(1);
    assertThat(requests(t, "", "431", "none")).hasValue(1);
    assertThat(t.value(P + "errors_total", "reason", "upstream_connect")).hasValue(1);
    assertThat(t.value(P + "errors_total", "reason", "hold_timeout")).hasValue(1);
    assertThat(t.value(P + "errors_total", "reason", "headers_too_large")).hasValue(1);
    assertThat(t.value(P + "held_seconds_count", "revision", COLD.toString())).hasValue(1);
  }

  @Test
  void aRemovedRevisionLeavesTheExposition() throws Exception {
    ready(WARM, Duration.ofSeconds(30), instance("w1", InstanceClass.STANDARD));
    ready(COLD, Duration.ofSeconds(30), instance("c1", InstanceClass.STANDARD));
    assertThat(send(get(WARM_HOST)).statusCode()).isEqualTo(200);
    assertThat(send(get(COLD_HOST)).statusCode()).isEqualTo(200);
    assertThat(scrape().anyLabelled("revision", COLD.toString())).isTrue();

    gateway.onRevisionRemoved(COLD);

    PrometheusText t = scrape();
    assertThat(t.anyLabelled("revision", COLD.toString())).isFalse();
    assertThat(requests(t, WARM.toString(), "200", "standard")).hasValue(1);
    assertThat(gauge(t, "queue_depth", WARM)).hasValue(0);
  }

  @Test
  void requestsToARemovedRevisionStillRoutedAre503AtOnceAndMakeNoSeries() throws Exception {
    ready(COLD, Duration.ofSeconds(30), instance("c1", InstanceClass.STANDARD));
    assertThat(send(get(COLD_HOST)).statusCode()).isEqualTo(200);
    gateway.onRevisionRemoved(COLD); // the route table still names it, as until the next update

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = send(get(COLD_HOST));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).contains("revision removed");
    }

    PrometheusText t = scrape();
    assertThat(t.anyLabelled("revision", COLD.toString())).as("no series made again").isFalse();
    assertThat(t.value(P + "errors_total", "reason", "revision_removed")).hasValue(3);
    assertThat(requests(t, "", "503", "none")).hasValue(3);
    assertThat(gateway.held(COLD)).isZero();
  }
}
