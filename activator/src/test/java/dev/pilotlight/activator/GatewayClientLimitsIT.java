package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client timeouts and the connection bound, end to end: raw sockets to a real gateway in front of
 * an instance that logs what it receives ({@link RawBackend}). The timeouts are short here (a
 * second) so that the tests wait little; each test waits for an outcome (a 408, the connection's
 * end) with a generous deadline and asserts the outcome, never how long it took.
 */
class GatewayClientLimitsIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "raw-00001");
  static final String HOST = "raw.default.localhost";
  static final Duration SHORT = Duration.ofSeconds(1);
  static final int DEADLINE_MILLIS = 20_000;
  static final Duration DEADLINE = Duration.ofMillis(DEADLINE_MILLIS);

  RawBackend backend;
  Gateway gateway;
  int port;
  final List<Socket> sockets = new ArrayList<>();

  void start(ClientLimits limits) throws Exception {
    backend = new RawBackend();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5))
                .withClientLimits(limits),
            TestGateway.NO_STATS,
            Ticker.system());
    port = gateway.start();
    TestGateway.serve(gateway, HOST, "raw", REV, backend.port());
  }

  void startShort() throws Exception {
    start(new ClientLimits(SHORT, SHORT, SHORT, SHORT, 0));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  String scrape() {
    return new String(gateway.exposition().scrape("text/plain").body(), StandardCharsets.UTF_8);
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(DEADLINE_MILLIS);
    sockets.add(s);
    return s;
  }

  static void write(Socket s, String raw) throws IOException {
    s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** Everything the gateway sends until it closes the connection. */
  static String readToEnd(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aSlowlorisHeadIsAnswered408AndClosedAndNothingReachesTheInstance() throws Exception {
    startShort();
    Socket s = connect();
    s.setSoTimeout(50);
    String head = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Slow: ";
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long end = System.nanoTime() + Duration.ofMillis(DEADLINE_MILLIS).toNanos();
    int i = 0;
    // a byte at a time, never ending the head, until the gateway answers or closes
    outer:
    while (System.nanoTime() - end < 0) {
      try {
        write(s, String.valueOf(i < head.length() ? head.charAt(i) : 'a'));
      } catch (IOException closed) {
        break;
      }
      i++;
      try {
        InputStream in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0) {
          got.write(c);
        }
        break outer; // closed
      } catch (SocketTimeoutException stillOpen) {
        // nothing yet
      } catch (IOException reset) {
        break;
      }
    }
    assertThat(got.toString(StandardCharsets.ISO_8859_1))
        .startsWith("HTTP/1.1 408 Request Timeout\r\n");
    assertThat(backend.bytes()).allMatch(String::isEmpty);
    assertThat(scrape()).contains("pilotlight_gateway_client_timeouts_total{kind=\"header\"} 1.0");
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithoutAnAnswer() throws Exception {
    startShort();
    Socket s = connect();
    assertThat(readToEnd(s)).isEmpty();
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterItsResponse() throws Exception {
    startShort();
    Socket s = connect();
    write(s, "GET /one HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    assertThat(readToEnd(s)).startsWith("HTTP/1.1 200 ").endsWith("seen:GET /one");
    assertThat(scrape()).contains("pilotlight_gateway_client_timeouts_total{kind=\"idle\"} 1.0");
  }

  @Test
  void halfABodyIsAnswered408AndTheInstanceNeverSeesARequest() throws Exception {
    startShort();
    Socket s = connect();
    write(s, "POST /half HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 100\r\n\r\n0123456789");
    String response = readToEnd(s);
    assertThat(response)
        .startsWith("HTTP/1.1 408 ")
        .contains("connection: close")
        .endsWith(ProxyError.REQUEST_TIMEOUT.reason() + "\n");
    // the instance got part of the body, then its connection closed: never a whole request
    Await.until("the instance sees its connection end", DEADLINE, () -> !backend.seen().isEmpty());
    assertThat(backend.seen()).singleElement().satisfies(r -> assertThat(r.body()).hasSize(10));
    assertThat(gateway.metrics().errors().get(ProxyError.REQUEST_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void anHttp2ConnectionWithOnlyThePrefaceGetsGoawayAndIsClosed() throws Exception {
    startShort();
    Socket s = connect();
    s.getOutputStream()
        .write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
    s.getOutputStream().flush();
    byte[] got = s.getInputStream().readAllBytes();
    List<Integer> types = new ArrayList<>();
    for (int at = 0; at + 9 <= got.length; ) {
      int length = ((got[at] & 0xff) << 16) | ((got[at + 1] & 0xff) << 8) | (got[at + 2] & 0xff);
      types.add(got[at + 3] & 0xff);
      at += 9 + length;
    }
    assertThat(types).contains(0x4).endsWith(0x7); // SETTINGS ... then GOAWAY last
    assertThat(scrape())
        .contains("pilotlight_gateway_client_timeouts_total{kind=\"http2_idle\"} 1.0");
  }

  @Test
  void aRequestThatIsHeldIsNotTimedOutByTheBodyTimeout() throws Exception {
    startShort();
    gateway.onEndpoints(new RevisionEndpoints(REV, 0, Duration.ofSeconds(30), List.of()));
    Socket s = connect();
    write(s, "POST /held HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n\r\n");
    Await.until("the request is held", DEADLINE, () -> gateway.held(REV) == 1);
    // a control started after it: a body the gateway does read (a refused request's, being
    // dropped) stalls and is closed at the body timeout; by then the held request has waited longer
    Socket control = connect();
    write(
        control,
        "POST /x HTTP/1.1\r\nHost: nowhere.example\r\nContent-Length: 100\r\n\r\n0123456789");
    assertThat(readToEnd(control)).startsWith("HTTP/1.1 404 ");
    assertThat(scrape()).contains("pilotlight_gateway_client_timeouts_total{kind=\"body\"} 1.0");
    // the held request's body is not being read, so no body timeout ran for it
    assertThat(gateway.held(REV)).isEqualTo(1);
    gateway.onEndpoints(
        new RevisionEndpoints(
            REV,
            0,
            Duration.ofSeconds(30),
            List.of(new Endpoint("i1", "127.0.0.1", backend.port(), InstanceClass.STANDARD))));
    write(s, "hello");
    GatewaySmugglingIT.Response r = GatewaySmugglingIT.read(s.getInputStream());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("seen:POST /held");
    assertThat(backend.seen().get(0).body()).isEqualTo("hello");
  }

  @Test
  void atTheConnectionBoundANewConnectionWaitsUntilOneCloses() throws Exception {
    start(ClientLimits.defaults().withMaxConnections(3));
    List<Socket> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket s = connect();
      write(s, "GET /" + i + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
      assertThat(GatewaySmugglingIT.read(s.getInputStream()).status()).isEqualTo(200);
      first.add(s);
    }
    assertThat(gateway.metrics().connections()).isEqualTo(3);

    Socket waiting = connect(); // the kernel completes the handshake; the gateway does not accept
    write(waiting, "GET /fourth HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    waiting.setSoTimeout(300);
    try {
      int c = waiting.getInputStream().read();
      throw new AssertionError("served past the bound: " + c);
    } catch (SocketTimeoutException expected) {
      // not accepted while three are open
    }
    waiting.setSoTimeout(DEADLINE_MILLIS);
    first.get(0).close();
    GatewaySmugglingIT.Response r = GatewaySmugglingIT.read(waiting.getInputStream());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("seen:GET /fourth");
    assertThat(gateway.metrics().connections()).isEqualTo(3);
    assertThat(gateway.metrics().connectionsRefused()).isZero();
    assertThat(scrape()).contains("pilotlight_gateway_connections 3.0");
  }
}
