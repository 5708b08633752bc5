package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway probes starting instances itself over real sockets: a held request is served by an
 * instance the runtime never reports ready, as soon as the instance answers its probe.
 */
class GatewayProbeIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "slow-00001");
  static final String HOST = "slow.default.localhost";
  static final Duration DEADLINE = Duration.ofSeconds(20);

  final List<RevisionKey> pokes = new CopyOnWriteArrayList<>();
  final List<String> probes = new CopyOnWriteArrayList<>();
  final AtomicInteger served = new AtomicInteger();
  // HTTP/1.1: the JDK client would upgrade to h2c and send the Host given here beside its own
  // :authority, a malformed HTTP/2 request (RFC 9113, 8.3.1)
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ExecutorService appThreads = Executors.newFixedThreadPool(4);
  HttpServer app;
  Gateway gateway;
  int port;

  final StatSink sink =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {}

        @Override
        public void poke(RevisionKey revision) {
          pokes.add(revision);
        }
      };

  @BeforeEach
  void start() throws Exception {
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofMillis(100), Duration.ofSeconds(5)),
            sink,
            Ticker.system());
    port = gateway.start();
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST, new HostRoute("default", "slow", List.of(new WeightedRevision(REV, 100))))));
  }

  @AfterEach
  void stop() {
    gateway.close();
    if (app != null) {
      app.stop(0);
    }
    appThreads.shutdownNow();
  }

  /** The app: {@code /ready} answers {@code readiness}'s status, anything else 200 "served". */
  void startApp(int appPort, AtomicInteger readiness) throws IOException {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", appPort), 64);
    app.setExecutor(appThreads);
    app.createContext(
        "/",
        ex -> {
          if (ex.getRequestURI().getPath().equals("/ready")) {
            probes.add(ex.getRequestHeaders().getFirst("User-Agent"));
            answer(ex, readiness.get(), "ready?");
          } else {
            served.incrementAndGet();
            answer(ex, 200, "served by " + ex.getRequestURI().getPath());
          }
        });
    app.start();
  }

  static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Endpoint instance(int appPort) {
    return new Endpoint("slow-00001-1", "127.0.0.1", appPort, InstanceClass.STANDARD);
  }

  /** Publishes the revision with no ready instance and {@code starting} as starting. */
  void publishStarting(ReadinessProbe probe, Endpoint... starting) {
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV, 0, Duration.ofSeconds(30), null, null, List.of(), List.of(starting), probe));
  }

  CompletableFuture<HttpResponse<String>> sendAsync(String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", HOST)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void heldRequestIsServedByAStartingInstanceOnceItListens_withoutTheRuntimeReportingItReady()
      throws Exception {
    int appPort = freePort(); // nothing listens there yet: probes are refused
    publishStarting(ReadinessProbe.TCP, instance(appPort));
    CompletableFuture<HttpResponse<String>> pending = sendAsync("/work");
    Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);
    assertThat(pending).isNotDone();

    startApp(appPort, new AtomicInteger(200));

    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("served by /work");
    assertThat(served.get()).isEqualTo(1);
    assertThat(gateway.held(REV)).isZero();
    assertThat(gateway.metrics().held()).isEqualTo(1);
    String timing = r.headers().firstValue("server-timing").orElseThrow();
    assertThat(Double.parseDouble(timing.substring("hold;dur=".length()))).isGreaterThan(0);
    // later requests go straight through; the runtime reporting it ready changes nothing
    assertThat(sendAsync("/again").get(30, TimeUnit.SECONDS).body()).isEqualTo("served by /again");
    gateway.onEndpoints(
        new RevisionEndpoints(REV, 0, Duration.ofSeconds(30), List.of(instance(appPort))));
    assertThat(sendAsync("/third").get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(gateway.metrics().held()).isEqualTo(1);
  }

  @Test
  void readinessPathAnswering503KeepsTheRequestHeldUntilItAnswers200() throws Exception {
    AtomicInteger readiness = new AtomicInteger(503);
    int appPort = freePort();
    startApp(appPort, readiness);
    publishStarting(ReadinessProbe.http("/ready"), instance(appPort));
    CompletableFuture<HttpResponse<String>> pending = sendAsync("/work");
    Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);
    int seen = probes.size();
    Await.until("two more probes answered 503", DEADLINE, () -> probes.size() >= seen + 2);
    assertThat(pending).isNotDone();
    assertThat(served.get()).isZero();
    assertThat(probes).allMatch("pilotlight-probe"::equals);

    readiness.set(200);

    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("served by /work");
    // passed: probing ends (nothing scheduled, nothing out), with at most one probe on its way
    int afterPass = probes.size();
    Await.until("probing ended", DEADLINE, () -> !gateway.probing(REV));
    assertThat(probes.size()).isLessThanOrEqualTo(afterPass + 1);
  }

  @Test
  void probingStopsWhenTheInstanceIsRemovedOrTheRevisionIs() throws Exception {
    AtomicInteger readiness = new AtomicInteger(503);
    int appPort = freePort();
    startApp(appPort, readiness);
    publishStarting(ReadinessProbe.http("/ready"), instance(appPort));
    Await.until("probed twice", DEADLINE, () -> probes.size() >= 2);
    publishStarting(ReadinessProbe.http("/ready")); // the runtime dropped it
    int afterRemoval = probes.size();
    Await.until("probing ended", DEADLINE, () -> !gateway.probing(REV));
    assertThat(probes.size()).isLessThanOrEqualTo(afterRemoval + 1);

    publishStarting(ReadinessProbe.http("/ready"), instance(appPort));
    int again = probes.size();
    Await.until("probed again", DEADLINE, () -> probes.size() >= again + 2);
    gateway.onRevisionRemoved(REV);
    int afterRevisionRemoved = probes.size();
    readiness.set(200);
    assertThat(gateway.probing(REV)).isFalse();
    assertThat(probes.size()).isLessThanOrEqualTo(afterRevisionRemoved + 1);
    assertThat(gateway.held(REV)).isZero();
  }

  @Test
  void aNotAnsweringInstanceDoesNotStallProbing_theTimeoutEndsEachProbe() throws Exception {
    // accepts connections (backlog) but never answers: every HTTP probe must time out, and probing
    // must go on, one probe at a time
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress("127.0.0.1", 0), 50);
      publishStarting(ReadinessProbe.http("/ready"), instance(silent.getLocalPort()));
      CompletableFuture<HttpResponse<String>> pending = sendAsync("/work");
      Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);
      silent.setSoTimeout(10_000);
      // two probe connections arrive one after another (one in flight at a time): the first was
      // given up on
      silent.accept().close();
      silent.accept().close();
      assertThat(pending).isNotDone();
      gateway.onRevisionRemoved(REV);
      assertThat(pending.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
    }
  }
}
