package dev.pilotlight.activator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.pilotlight.activator.netty.ExchangeRetry;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.PrometheusText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway in front of WireMock stubs that fail the ways instances fail: a reset, no response, a
 * broken chunk after the head, garbage, a response that starts too late, a body that dribbles. Each
 * is asserted for the client's status, how often the instance saw the request (the retry decision
 * of {@link ExchangeRetry}: only idempotent requests, only while no body byte went out, a stale
 * kept-alive connection retried once, never twice on a fresh connection), the gateway's metrics,
 * and that no connection holding a half-read response is used again (the next request on the same
 * event loop gets its own answer).
 *
 * <p>Run over both client paths: the pass-through path and Netty's codec (a {@code Connection}
 * header naming another header sends a request there), which differ in how they read the instance's
 * response. One event loop, so every exchange shares one upstream pool.
 */
class GatewayUpstreamFaultsIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "faulty-00001");
  static final String HOST = "faulty.default.localhost";
  static final String P = GatewayMetrics.PREFIX;

  /** The two ways a request crosses the gateway. */
  enum ClientPath {
    PASS_THROUGH(""),
    CODEC("Connection: x-codec\r\n");

    final String extraHeader;

    ClientPath(String extraHeader) {
      this.extraHeader = extraHeader;
    }
  }

  WireMockServer instance;
  Gateway gateway;
  int port;

  @BeforeEach
  void start() throws Exception {
    instance = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    instance.start();
    instance.stubFor(any(urlEqualTo("/ok")).willReturn(aResponse().withBody("ok")));
    GatewayConfig c = TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5));
    gateway =
        new Gateway(
            new GatewayConfig(
                c.bindHost(),
                0,
                c.maxHeldPerRevision(),
                c.maxHeaderBytes(),
                c.maxInitialLineBytes(),
                c.upstreamConnectTimeout(),
                c.statInterval(),
                1, // one event loop: one upstream pool for every client connection
                c.drainGrace(),
                c.transport(),
                c.clientLimits()),
            TestGateway.NO_STATS,
            Ticker.system());
    port = gateway.start();
    TestGateway.serve(gateway, HOST, "faulty", REV, instance.port());
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    instance.stop();
  }

  void timeouts(Duration responseStart, Duration idle) {
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV,
            0,
            Duration.ofSeconds(30),
            responseStart,
            idle,
            List.of(new Endpoint("i1", "127.0.0.1", instance.port(), InstanceClass.STANDARD))));
  }

  int seenByInstance(String path) {
    return instance.countRequestsMatching(anyRequestedFor(urlEqualTo(path)).build()).getCount();
  }

  // --- faults before any response byte: 502, retried only when that is safe ---

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aResetOnAFreshConnection_getIsTriedOnAnotherSlotOnce_then502(ClientPath path)
      throws Exception {
    instance.stubFor(
        get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (Client c = new Client(port)) {
      Response r = c.send(request("GET", "/reset", path, null));
      assertThat(r.status).isEqualTo(502);
      assertThat(r.body).contains("upstream closed the connection");
    }
    assertThat(seenByInstance("/reset")).as("never twice on a fresh connection").isEqualTo(2);
    PrometheusText t = scrape();
    assertThat(t.value(P + "errors_total", "reason", "upstream_reset")).hasValue(1);
    assertThat(requests(t, "502")).hasValue(1);
    assertNextRequestGetsItsOwnAnswer(path);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void anEmptyResponse_isLikeAReset(ClientPath path) throws Exception {
    instance.stubFor(get("/empty").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("GET", "/empty", path, null)).status).isEqualTo(502);
    }
    assertThat(seenByInstance("/empty")).isEqualTo(2);
    assertThat(scrape().value(P + "errors_total", "reason", "upstream_reset")).hasValue(1);
    assertNextRequestGetsItsOwnAnswer(path);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void randomDataThenClose_isAnUnreadableResponse_502(ClientPath path) throws Exception {
    instance.stubFor(
        get("/garbage").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("GET", "/garbage", path, null)).status).isEqualTo(502);
    }
    assertThat(seenByInstance("/garbage")).isEqualTo(2);
    assertThat(scrape().value(P + "errors_total", "reason", "upstream_reset")).hasValue(1);
    assertNextRequestGetsItsOwnAnswer(path);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aResetIsNeverRetriedForANonIdempotentRequest(ClientPath path) throws Exception {
    instance.stubFor(
        any(urlEqualTo("/reset"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("POST", "/reset", path, "")).status).isEqualTo(502);
    }
    assertThat(seenByInstance("/reset")).as("POST, even without a body: once").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aResetIsNeverRetriedOnceBodyBytesWereSent(ClientPath path) throws Exception {
    instance.stubFor(
        any(urlEqualTo("/reset"))
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("PUT", "/reset", path, "payload")).status).isEqualTo(502);
    }
    assertThat(seenByInstance("/reset"))
        .as("PUT is idempotent, but its body went out")
        .isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aStaleKeptAliveConnectionIsRetriedOnceOnAFreshOne(ClientPath path) throws Exception {
    instance.stubFor(
        get("/flaky")
            .inScenario("stale")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("recovered"));
    instance.stubFor(
        get("/flaky")
            .inScenario("stale")
            .whenScenarioStateIs("recovered")
            .willReturn(aResponse().withBody("recovered")));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("GET", "/ok", path, null)).body).isEqualTo("ok"); // pools one
      Response r = c.send(request("GET", "/flaky", path, null));
      assertThat(r.status).isEqualTo(200);
      assertThat(r.body).isEqualTo("recovered");
    }
    assertThat(seenByInstance("/flaky")).isEqualTo(2);
    assertThat(scrape().value(P + "errors_total", "reason", "upstream_reset")).hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aStaleConnectionThatStaysBroken_isRetriedOnceFresh_thenOnceOnAnotherSlot(ClientPath path)
      throws Exception {
    instance.stubFor(
        get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    try (Client c = new Client(port)) {
      assertThat(c.send(request("GET", "/ok", path, null)).body).isEqualTo("ok");
      assertThat(c.send(request("GET", "/reset", path, null)).status).isEqualTo(502);
    }
    // the kept-alive connection, once on a fresh one to the same instance (lost: the first loss on
    // a fresh connection), once on another slot (fresh again: lost twice, given up)
    assertThat(seenByInstance("/reset")).isEqualTo(3);
  }

  // --- timeouts: 504 before the response, a cut response after ---

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aResponseLaterThanTheResponseStartTimeoutIs504AndNotRetried(ClientPath path)
      throws Exception {
    timeouts(Duration.ofMillis(500), null);
    instance.stubFor(get("/late").willReturn(aResponse().withBody("late").withFixedDelay(5_000)));
    try (Client c = new Client(port)) {
      Response r = c.send(request("GET", "/late", path, null));
      assertThat(r.status).isEqualTo(504);
      assertThat(r.body).contains("upstream timed out");
    }
    assertThat(seenByInstance("/late")).isEqualTo(1);
    PrometheusText t = scrape();
    assertThat(t.value(P + "errors_total", "reason", "upstream_timeout")).hasValue(1);
    assertThat(requests(t, "504")).hasValue(1);
    // the late answer would arrive on that connection: it must not be taken for the next one's
    assertNextRequestGetsItsOwnAnswer(path);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aChunkedDribbleSlowerThanTheIdleTimeoutIs504AndItsConnectionDropped(ClientPath path)
      throws Exception {
    timeouts(null, Duration.ofMillis(500));
    // WireMock sends the head with the first chunk, one chunk every 2 s: nothing comes for longer
    // than the idle timeout
    instance.stubFor(
        get("/dribble")
            .willReturn(aResponse().withBody("x".repeat(100)).withChunkedDribbleDelay(4, 8_000)));
    try (Client c = new Client(port)) {
      Response r = c.send(request("GET", "/dribble", path, null));
      assertThat(r.status).isEqualTo(504);
      assertThat(r.body).contains("upstream timed out");
    }
    assertThat(seenByInstance("/dribble")).isEqualTo(1);
    PrometheusText t = scrape();
    assertThat(t.value(P + "errors_total", "reason", "upstream_timeout")).hasValue(1);
    assertThat(requests(t, "504")).hasValue(1);
    assertNextRequestGetsItsOwnAnswer(path);
  }

  @ParameterizedTest
  @EnumSource(ClientPath.class)
  void aMalformedChunkAfterTheHeadCutsTheResponseAndIsNotRetried(ClientPath path) throws Exception {
    instance.stubFor(
        get("/broken").willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
    try (Client c = new Client(port)) {
      Response r = c.send(request("GET", "/broken", path, null));
      assertThat(r.status).as("the head went out before the broken chunk").isEqualTo(200);
      assertThat(r.complete).as("the body breaks off").isFalse();
    }
    assertThat(seenByInstance("/broken")).isEqualTo(1);
    PrometheusText t = scrape();
    assertThat(t.value(P + "aborted_total")).hasValue(1);
    assertThat(requests(t, "200")).hasValue(1);
    assertNextRequestGetsItsOwnAnswer(path);
  }

  /**
   * A request right after a fault, on the same event loop (so the same upstream pool): it is
   * answered by its own stub, never by what was left of an earlier response.
   */
  void assertNextRequestGetsItsOwnAnswer(ClientPath path) throws Exception {
    instance.stubFor(any(urlEqualTo("/after")).willReturn(aResponse().withBody("after")));
    try (Client c = new Client(port)) {
      for (int i = 0; i < 3; i++) {
        Response r = c.send(request("GET", "/after", path, null));
        assertThat(r.status).isEqualTo(200);
        assertThat(r.body).isEqualTo("after");
      }
    }
  }

  static String request(String method, String target, ClientPath path, String body) {
    return method
        + " "
        + target
        + " HTTP/1.1\r\nHost: "
        + HOST
        + "\r\n"
        + path.extraHeader
        + (body == null ? "" : "Content-Length: " + body.length() + "\r\n")
        + "\r\n"
        + (body == null ? "" : body);
  }

  PrometheusText scrape() {
    return PrometheusText.parse(
        new String(gateway.exposition().scrape(null).body(), StandardCharsets.UTF_8));
  }

  static OptionalDouble requests(PrometheusText t, String status) {
    return t.value(
        P + "requests_total",
        "revision",
        REV.toString(),
        "status",
        status,
        "instance_class",
        "standard");
  }

  /** A response as a plain HTTP/1.1 client reads it; {@code complete} false when it broke off. */
  record Response(int status, String body, boolean complete) {}

  /** One client connection, one request at a time. */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Client(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(30_000);
      in = socket.getInputStream();
    }

    Response send(String request) throws IOException {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String statusLine = line();
      if (statusLine == null) {
        return new Response(0, "", false);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      for (String h = line(); h != null && !h.isEmpty(); h = line()) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      boolean complete = chunked ? chunked(body) : fixed(body, length);
      return new Response(status, body.toString(StandardCharsets.ISO_8859_1), complete);
    }

    private boolean fixed(ByteArrayOutputStream body, long length) throws IOException {
      for (long i = 0; i < length; i++) {
        int b = read();
        if (b < 0) {
          return false;
        }
        body.write(b);
      }
      return length >= 0;
    }

    private boolean chunked(ByteArrayOutputStream body) throws IOException {
      while (true) {
        String size = line();
        if (size == null) {
          return false;
        }
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          return line() != null; // the empty line after the last chunk
        }
        if (!fixed(body, n) || line() == null) {
          return false;
        }
      }
    }

    private int read() throws IOException {
      try {
        return in.read();
      } catch (IOException reset) {
        return -1; // a reset reads as the end
      }
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder();
      int b;
      while ((b = read()) >= 0) {
        if (b == '\n') {
          int len = sb.length();
          return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
        }
        sb.append((char) b);
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
