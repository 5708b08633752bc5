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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway over real sockets: a real upstream HTTP server, a real HTTP client. */
class GatewayIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final String HOST = "hello.default.localhost";

  final List<RevisionKey> pokes = new CopyOnWriteArrayList<>();
  final List<StatRecord> stats = new CopyOnWriteArrayList<>();
  final Map<String, String> lastUpstreamHeaders = new ConcurrentHashMap<>();
  final AtomicInteger upstreamInFlight = new AtomicInteger();
  final AtomicInteger upstreamMaxInFlight = new AtomicInteger();
  // HTTP/1.1 on purpose: the JDK client would otherwise upgrade to h2c (GatewayH2IT covers that)
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final java.util.concurrent.ScheduledExecutorService delayer =
      Executors.newSingleThreadScheduledExecutor();
  HttpServer upstream;
  Gateway gateway;
  int port;

  final StatSink sink =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {
          stats.addAll(batch);
        }

        @Override
        public void poke(RevisionKey revision) {
          pokes.add(revision);
        }
      };

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(Executors.newFixedThreadPool(8));
    upstream.createContext(
        "/",
        ex -> {
          int now = upstreamInFlight.incrementAndGet();
          upstreamMaxInFlight.accumulateAndGet(now, Math::max);
          ex.getRequestHeaders()
              .forEach((k, v) -> lastUpstreamHeaders.put(k.toLowerCase(), String.join(",", v)));
          byte[] body = ex.getRequestBody().readAllBytes();
          byte[] out =
              ("echo:" + ex.getRequestMethod() + ":" + new String(body, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8);
          Runnable answer =
              () -> {
                try (OutputStream os = ex.getResponseBody()) {
                  upstreamInFlight.decrementAndGet();
                  ex.getResponseHeaders().set("X-Upstream", "yes");
                  ex.sendResponseHeaders(200, out.length);
                  os.write(out);
                } catch (java.io.IOException e) {
                  ex.close();
                }
              };
          if (ex.getRequestURI().getPath().equals("/slow")) {
            delayer.schedule(answer, 300, TimeUnit.MILLISECONDS); // the app's own latency
          } else {
            answer.run();
          }
        });
    upstream.start();
  }

  void gateway(int maxHeld) throws Exception {
    gateway =
        new Gateway(
            TestGateway.config(maxHeld, Duration.ofMillis(100), Duration.ofSeconds(5)),
            sink,
            Ticker.system());
    port = gateway.start();
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST, new HostRoute("default", "hello", List.of(new WeightedRevision(REV, 100))))));
  }

  Endpoint upstreamEndpoint() {
    return new Endpoint("i1", "127.0.0.1", upstream.getAddress().getPort(), InstanceClass.STANDARD);
  }

  void ready(int cc, Duration timeout, Endpoint... endpoints) {
    gateway.onEndpoints(new RevisionEndpoints(REV, cc, timeout, List.of(endpoints)));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    upstream.stop(0);
    delayer.shutdownNow();
  }

  HttpRequest.Builder request(String host, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Host", host)
        .timeout(Duration.ofSeconds(30));
  }

  HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void runsOnTheTransportTheTestsAskFor() throws Exception {
    gateway(100);
    // auto resolves to the best this host runs; the build's second pass asks for epoll
    assertThat(gateway.transport()).isEqualTo(TestGateway.TRANSPORT.resolve());
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    assertThat(send(request(HOST, "/t").build()).statusCode()).isEqualTo(200);
  }

  @Test
  void proxiesWithForwardingHeadersAndGatewayHeaders() throws Exception {
    gateway(100);
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    HttpResponse<String> r =
        send(
            request(HOST + ":" + port, "/x")
                .POST(HttpRequest.BodyPublishers.ofString("hi"))
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("echo:POST:hi");
    assertThat(r.headers().firstValue("x-upstream")).hasValue("yes");
    assertThat(r.headers().firstValue("server-timing")).hasValue("hold;dur=0.000");
    assertThat(r.headers().firstValue("x-pilotlight-revision")).hasValue("hello-00001");
    assertThat(r.headers().firstValue("x-pilotlight-instance-class")).hasValue("standard");
    assertThat(lastUpstreamHeaders)
        .containsEntry("x-forwarded-for", "127.0.0.1")
        .containsEntry("x-forwarded-proto", "http")
        .containsEntry("x-forwarded-host", HOST + ":" + port)
        .containsKey("x-request-id")
        .containsKey("forwarded");
    // keep-alive both ways: a second request on the same client works
    assertThat(send(request(HOST, "/y").build()).body()).isEqualTo("echo:GET:");
    Await.until(
        "stats reported",
        Duration.ofSeconds(10),
        () -> stats.stream().anyMatch(s -> s.revision().equals(REV)));
  }

  @Test
  void theReserveAnswersWhileNoStandardInstanceIsReady_pokingTheAutoscaler() throws Exception {
    gateway(100);
    int upstreamPort = upstream.getAddress().getPort();
    Endpoint reserve = new Endpoint("r1", "127.0.0.1", upstreamPort, InstanceClass.RESERVE);
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV,
            0,
            Duration.ofSeconds(30),
            null,
            null,
            List.of(reserve),
            List.of(),
            null,
            new RevisionEndpoints.Reserve(1, 0)));
    HttpResponse<String> r = send(request(HOST, "/").build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-pilotlight-instance-class")).hasValue("reserve");
    assertThat(r.headers().firstValue("server-timing")).hasValue("hold;dur=0.000");
    assertThat(pokes).as("standard instances asked for at once").contains(REV);

    // the first standard instance ready takes the new requests
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV,
            0,
            Duration.ofSeconds(30),
            null,
            null,
            List.of(reserve, upstreamEndpoint()),
            List.of(),
            null,
            new RevisionEndpoints.Reserve(1, 0)));
    HttpResponse<String> s = send(request(HOST, "/").build());
    assertThat(s.headers().firstValue("x-pilotlight-instance-class")).hasValue("standard");
    assertThat(gateway.inFlight(REV, "r1")).isZero();
  }

  @Test
  void unknownHostIs404WithAReason() throws Exception {
    gateway(100);
    HttpResponse<String> r = send(request("nope.default.localhost", "/").build());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("no route for host \"nope.default.localhost\"");
  }

  @Test
  void heldRequestIsReleasedWhenAnInstanceAppears() throws Exception {
    gateway(100);
    ready(0, Duration.ofSeconds(30));
    CompletableFuture<HttpResponse<String>> pending =
        client.sendAsync(request(HOST, "/").build(), HttpResponse.BodyHandlers.ofString());
    Await.until("the autoscaler poked", Duration.ofSeconds(10), () -> pokes.contains(REV));
    assertThat(pending).isNotDone();
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    String timing = r.headers().firstValue("server-timing").orElseThrow();
    assertThat(Double.parseDouble(timing.substring("hold;dur=".length()))).isGreaterThan(0);
    assertThat(gateway.metrics().held()).isEqualTo(1);
  }

  @Test
  void fullQueueIs503WithRetryAfter() throws Exception {
    gateway(1);
    ready(0, Duration.ofSeconds(30));
    CompletableFuture<HttpResponse<String>> held =
        client.sendAsync(request(HOST, "/").build(), HttpResponse.BodyHandlers.ofString());
    Await.until("one request held", Duration.ofSeconds(10), () -> pokes.size() >= 1);
    HttpResponse<String> rejected = send(request(HOST, "/").build());
    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(rejected.headers().firstValue("retry-after")).hasValue("1");
    assertThat(rejected.body()).contains("too many requests waiting");
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void heldPastTheRevisionTimeoutIs503() throws Exception {
    gateway(100);
    ready(0, Duration.ofMillis(300));
    HttpResponse<String> r = send(request(HOST, "/").build());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("timed out waiting for capacity");
  }

  @Test
  void containerConcurrencyOneIsAHardLimit() throws Exception {
    gateway(100);
    ready(1, Duration.ofSeconds(30), upstreamEndpoint());
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.add(
          client.sendAsync(request(HOST, "/slow").build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(upstreamMaxInFlight.get()).isEqualTo(1);
  }

  @Test
  void upstreamDownIs502() throws Exception {
    gateway(100);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ready(
        0,
        Duration.ofSeconds(30),
        new Endpoint("gone", "127.0.0.1", closedPort, InstanceClass.STANDARD));
    HttpResponse<String> r = send(request(HOST, "/").build());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("upstream connection failed");
  }

  @Test
  void removedRevisionFailsHeldRequests() throws Exception {
    gateway(100);
    ready(0, Duration.ofSeconds(30));
    CompletableFuture<HttpResponse<String>> held =
        client.sendAsync(request(HOST, "/").build(), HttpResponse.BodyHandlers.ofString());
    Await.until("held", Duration.ofSeconds(10), () -> pokes.contains(REV));
    gateway.onRevisionRemoved(REV);
    HttpResponse<String> r = held.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("revision removed");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder_hopByHopHeadersAreDropped() throws Exception {
    gateway(100);
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String one =
          "POST /a HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nConnection: keep-alive, X-Drop\r\nX-Drop: 1\r\nContent-Length: 3\r\n\r\none";
      String two =
          "POST /b HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nContent-Length: 3\r\nConnection: close\r\n\r\ntwo";
      socket.getOutputStream().write((one + two).getBytes(StandardCharsets.US_ASCII));
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(all.indexOf("echo:POST:one"))
          .isPositive()
          .isLessThan(all.indexOf("echo:POST:two"));
    }
    assertThat(lastUpstreamHeaders).doesNotContainKey("x-drop");
  }

  @Test
  void expectContinueIsAnsweredByTheGateway() throws Exception {
    gateway(100);
    ready(0, Duration.ofSeconds(30), upstreamEndpoint());
    HttpResponse<String> r =
        send(
            request(HOST, "/e")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).hasSize("echo:POST:".length() + 100_000);
    assertThat(lastUpstreamHeaders).doesNotContainKey("expect");
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    gateway(100);
    HttpResponse<String> r = send(request(HOST, "/").header("X-Big", "x".repeat(20_000)).build());
    assertThat(r.statusCode()).isEqualTo(431);
  }
}
