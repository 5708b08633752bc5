package dev.pilotlight.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.netty.Transport;
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
import dev.pilotlight.controller.status.StatusSnapshot;
import dev.pilotlight.testkit.PrometheusText;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over HTTP from the admin server, after real requests through a gateway. */
class AdminServerIT {
  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final String HOST = "hello.default.localhost";
  static final String P = GatewayMetrics.PREFIX;

  final HttpClient client =
      HttpClient.newBuilder()
          // HTTP/1.1: these requests name their route in Host, which over HTTP/2 (the JDK client
          // upgrades to h2c) would differ from the client's :authority, a malformed request
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ExecutorService upstreamThreads = Executors.newFixedThreadPool(2);
  HttpServer upstream;
  Gateway gateway;
  AdminServer admin;
  int gatewayPort;
  int adminPort;

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    upstream.setExecutor(upstreamThreads);
    upstream.createContext(
        "/",
        ex -> {
          byte[] out = "hello".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, out.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
          }
        });
    upstream.start();
    GatewayConfig c = GatewayConfig.defaults("127.0.0.1", 0);
    gateway =
        new Gateway(
            new GatewayConfig(
                "127.0.0.1",
                0,
                100,
                c.maxHeaderBytes(),
                c.maxInitialLineBytes(),
                c.upstreamConnectTimeout(),
                Duration.ofSeconds(1),
                1,
                Duration.ofSeconds(5),
                Transport.AUTO,
                c.clientLimits()),
            new StatSink() {
              @Override
              public void report(Collection<StatRecord> batch) {}

              @Override
              public void poke(RevisionKey revision) {}
            },
            Ticker.system());
    gatewayPort = gateway.start();
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST, new HostRoute("default", "hello", List.of(new WeightedRevision(REV, 100))))));
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV,
            0,
            Duration.ofSeconds(30),
            List.of(
                new Endpoint(
                    "r1", "127.0.0.1", upstream.getAddress().getPort(), InstanceClass.RESERVE))));
    admin = new AdminServer(0, () -> StatusSnapshot.EMPTY, gateway.exposition());
    adminPort = admin.start();
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    upstream.stop(0);
    upstreamThreads.shutdownNow();
  }

  HttpResponse<String> throughGateway(String host) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/"))
            .header("Host", host)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder metrics() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
        .timeout(Duration.ofSeconds(30));
  }

  @Test
  void metricsInPrometheusTextCountTheGatewaysRequests() throws Exception {
    assertThat(throughGateway(HOST).statusCode()).isEqualTo(200);
    assertThat(throughGateway("nope.default.localhost").statusCode()).isEqualTo(404);

    HttpResponse<String> r = client.send(metrics().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/plain")
        .contains("version=0.0.4");
    PrometheusText t = PrometheusText.parse(r.body());
    assertThat(
            t.value(
                P + "requests_total",
                "revision",
                "default/hello-00001",
                "status",
                "200",
                "instance_class",
                "reserve"))
        .hasValue(1);
    assertThat(
            t.value(
                P + "requests_total", "revision", "", "status", "404", "instance_class", "none"))
        .hasValue(1);
    assertThat(t.value(P + "request_duration_seconds_count", "revision", "default/hello-00001"))
        .hasValue(1);
    assertThat(t.value(P + "errors_total", "reason", "unknown_host")).hasValue(1);
  }

  @Test
  void openMetricsWhenTheScraperAsksAndOnlyGet() throws Exception {
    assertThat(throughGateway(HOST).statusCode()).isEqualTo(200);
    HttpResponse<String> om =
        client.send(
            metrics().header("Accept", "application/openmetrics-text; version=1.0.0").build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(om.statusCode()).isEqualTo(200);
    assertThat(om.headers().firstValue("content-type").orElseThrow())
        .startsWith("application/openmetrics-text");
    assertThat(om.body()).contains(P + "requests_total{").endsWith("# EOF\n");

    HttpResponse<String> post =
        client.send(
            metrics().POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
