package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling and the HTTP/1.1 protocol faults, end to end: raw bytes from a client socket
 * through a real gateway to an instance that logs every byte it receives ({@link RawBackend}). A
 * request the gateway forwards must reach the instance as exactly one request, framed as the
 * gateway read it; one it refuses must reach the instance not at all.
 */
class GatewaySmugglingIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "raw-00001");
  static final String HOST = "raw.default.localhost";
  static final String SMUGGLED = "GET /SMUGGLED HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";

  RawBackend backend;
  Gateway gateway;
  int port;

  @BeforeEach
  void start() throws Exception {
    backend = new RawBackend();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            TestGateway.NO_STATS,
            Ticker.system());
    port = gateway.start();
    TestGateway.serve(gateway, HOST, "raw", REV, backend.port());
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
    backend.close();
  }

  /** A response read off a socket: status, head, body (by Content-Length or chunked). */
  record Response(int status, String head, String body) {}

  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
    }
    String head = b.toString(StandardCharsets.ISO_8859_1);
    String lower = head.toLowerCase(Locale.ROOT);
    String body;
    int cl = lower.indexOf("\r\ncontent-length:");
    if (cl >= 0) {
      int end = lower.indexOf("\r\n", cl + 2);
      int n = Integer.parseInt(head.substring(cl + 17, end).trim());
      body = new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    } else if (lower.contains("\r\ntransfer-encoding: chunked")) {
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      while (true) {
        String size = line(in);
        int n = Integer.parseInt(size.trim(), 16);
        if (n == 0) {
          line(in);
          break;
        }
        data.write(in.readNBytes(n));
        line(in);
      }
      body = data.toString(StandardCharsets.ISO_8859_1);
    } else {
      body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    return new Response(Integer.parseInt(head.substring(9, 12)), head, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1).trim();
  }

  Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  static void write(Socket s, String raw) throws IOException {
    s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  /** A request whose head lists its own framing in {@code Connection}, the smuggled one as body. */
  static String listingItsLength(String firstLine, String connection, String extra) {
    return firstLine
        + "\r\nHost: "
        + HOST
        + "\r\nConnection: "
        + connection
        + "\r\n"
        + extra
        + "Content-Length: "
        + SMUGGLED.length()
        + "\r\n\r\n"
        + SMUGGLED;
  }

  @ParameterizedTest(name = "Connection: {0}")
  @ValueSource(strings = {"Content-Length", "keep-alive, Content-Length", "content-length"})
  void aLengthNamedInConnectionReachesTheInstanceWithItsBody(String connection) throws Exception {
    try (Socket s = connect()) {
      write(s, listingItsLength("POST /x HTTP/1.1", connection, ""));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("seen:POST /x");
    }
    assertOneRequestWithTheSmuggledOneAsBody("POST /x HTTP/1.1");
  }

  @Test
  void anHttp10KeepAliveRequestListingItsLengthInLowerCase() throws Exception {
    try (Socket s = connect()) {
      write(
          s,
          "POST /x HTTP/1.0\r\nhost: "
              + HOST
              + "\r\nconnection: keep-alive, content-length\r\ncontent-length: "
              + SMUGGLED.length()
              + "\r\n\r\n"
              + SMUGGLED);
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("seen:POST /x");
    }
    assertOneRequestWithTheSmuggledOneAsBody("POST /x HTTP/1.1");
  }

  @Test
  void aWebSocketUpgradeListingItsLength() throws Exception {
    try (Socket s = connect()) {
      write(
          s,
          listingItsLength(
              "GET /ws HTTP/1.1",
              "Upgrade, Content-Length",
              "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200); // the instance did not take the upgrade up
    }
    assertOneRequestWithTheSmuggledOneAsBody("GET /ws HTTP/1.1");
  }

  @Test
  void aGetWithABodyListingItsLength() throws Exception {
    try (Socket s = connect()) {
      write(s, listingItsLength("GET /x HTTP/1.1", "Content-Length", ""));
      Response r = read(s.getInputStream());
      assertThat(r.status()).isEqualTo(200);
    }
    assertOneRequestWithTheSmuggledOneAsBody("GET /x HTTP/1.1");
  }

  /**
   * Response-queue poisoning: an attacker's smuggled request answered late must never reach the
   * next client that gets the same upstream connection.
   */
  @Test
  void aSlowSmuggledRequestsResponseNeverReachesAnotherClient() throws Exception {
    String slow = "GET /slow-SMUGGLED HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
    for (int round = 0; round < 3; round++) {
      try (Socket attacker = connect();
          Socket victim = connect()) {
        write(
            attacker,
            "POST /x HTTP/1.1\r\nHost: "
                + HOST
                + "\r\nConnection: Content-Length\r\nContent-Length: "
                + slow.length()
                + "\r\n\r\n"
                + slow);
        assertThat(read(attacker.getInputStream()).body()).isEqualTo("seen:POST /x");
        write(
            victim, "GET /victim HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\n\r\n");
        assertThat(read(victim.getInputStream()).body()).isEqualTo("seen:GET /victim");
      }
    }
    assertThat(backend.seen())
        .extracting(RawBackend.Seen::requestLine)
        .noneMatch(l -> l.contains("SMUGGLED"));
  }

  /**
   * An instance that sends more than the response it owes (here the start of a second one, in the
   * same write) leaves its connection out of step: it is closed, not pooled, and the next request
   * gets its own response on a new connection (a POST: one the gateway would not send again after
   * it broke on a reused connection).
   */
  @Test
  void aConnectionWithBytesBeyondItsResponseIsNotReused() throws Exception {
    try (Socket s = connect()) {
      write(s, "GET /extra HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
      assertThat(read(s.getInputStream()).body()).isEqualTo("seen:GET /extra");
      write(s, "POST /next HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 2\r\n\r\nhi");
      Response next = read(s.getInputStream());
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("seen:POST /next");
      assertThat(next.head()).doesNotContainIgnoringCase("x-unasked");
    }
    assertThat(backend.bytes()).hasSize(2);
  }

  /**
   * Sends {@code raw} on a new connection and reads the one response, then the connection's end.
   */
  Response exchange(String raw, boolean closed) throws IOException {
    try (Socket s = connect()) {
      write(s, raw);
      Response r = read(s.getInputStream());
      if (closed) {
        assertThat(s.getInputStream().read()).as("the connection is closed after").isEqualTo(-1);
      }
      return r;
    }
  }

  @Test
  void twoHostHeadersAre400AndReachNoInstance() throws Exception {
    Response r =
        exchange("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nHost: other.example\r\n\r\n", false);
    assertThat(r.status()).isEqualTo(400);
    assertThat(backend.seen()).isEmpty();
  }

  @Test
  void anUnderscoredFramingHeaderIs400AndReachesNoInstance() throws Exception {
    Response r =
        exchange(
            "POST / HTTP/1.1\r\nHost: "
                + HOST
                + "\r\nContent-Length: 5\r\nTransfer_Encoding: chunked\r\n\r\n0\r\n\r\n",
            false);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("Transfer_Encoding");
    assertThat(backend.bytes()).isEmpty();
  }

  /**
   * Framing a proxy in front of the gateway might read otherwise (CL.TE, TE on HTTP/1.0, chunked
   * not last) is refused with the connection closed; a coding other than chunked is not
   * implemented.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "HTTP/1.1 | Content-Length: 3\\r\\nTransfer-Encoding: chunked | 400",
        "HTTP/1.0 | Connection: keep-alive\\r\\nTransfer-Encoding: chunked | 400",
        "HTTP/1.1 | Transfer-Encoding: chunked, gzip | 400",
        "HTTP/1.1 | Transfer-Encoding: gzip, chunked | 501",
      })
  void ambiguousFramingReachesNoInstance(String version, String headers, int status)
      throws Exception {
    Response r =
        exchange(
            "POST /f "
                + version
                + "\r\nHost: "
                + HOST
                + "\r\n"
                + headers.replace("\\r\\n", "\r\n")
                + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + SMUGGLED,
            true);
    assertThat(r.status()).isEqualTo(status);
    assertThat(backend.bytes()).isEmpty();
  }

  @Test
  void http20InAnHttp1RequestLineIs505() throws Exception {
    Response r = exchange("GET / HTTP/2.0\r\nHost: " + HOST + "\r\n\r\n", true);
    assertThat(r.status()).isEqualTo(505);
    assertThat(backend.bytes()).isEmpty();
  }

  @Test
  void userinfoInAnAbsoluteFormTargetIs400() throws Exception {
    Response r =
        exchange("GET http://evil@" + HOST + "/ HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
    assertThat(r.status()).isEqualTo(400);
    assertThat(backend.bytes()).isEmpty();
  }

  /**
   * Malformed chunked bodies. On the pass-through path each is answered 400 and the connection
   * closed, and the instance never gets a request it would take as complete. On the codec path (a
   * {@code Connection} token sends the request there) Netty's decoder is the judge: what it refuses
   * is answered likewise; what it accepts (a long chunk extension, a folded trailer, which RFC 9112
   * lets a recipient unfold) reaches the instance re-framed by the gateway, as one request.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(
      delimiter = '|',
      value = {
        "over-long size     | 11111111111111111\\r\\nabc\\r\\n0\\r\\n\\r\\n | 400",
        "0x prefix          | 0x5\\r\\nhello\\r\\n0\\r\\n\\r\\n               | 400",
        "negative size      | -5\\r\\nhello\\r\\n0\\r\\n\\r\\n                | 400",
        "4 KB extension     | 5;EXT\\r\\nhello\\r\\n0\\r\\n\\r\\n             | served",
        "colon-less trailer | 5\\r\\nhello\\r\\n0\\r\\nno-colon\\r\\n\\r\\n   | 400",
        "bare LF            | 5\\nhello\\r\\n0\\r\\n\\r\\n                  | 400",
        "folded trailer     | 5\\r\\nhello\\r\\n0\\r\\nX-T: a\\r\\n b\\r\\n\\r\\n | served",
      })
  void aMalformedChunkedBodyIs400AndClosesTheConnection(String name, String body, String codec)
      throws Exception {
    String chunks = body.replace("\\r", "\r").replace("\\n", "\n").replace("EXT", "e".repeat(4100));
    String head = "POST /c HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n";
    Response r = exchange(head + "\r\n" + chunks, true);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).contains("malformed");
    assertThat(backend.seen()).isEmpty();

    String viaCodec = head + "Connection: X-Drop\r\nX-Drop: 1\r\n\r\n" + chunks;
    if (codec.equals("400")) {
      r = exchange(viaCodec, true);
      assertThat(r.status()).isEqualTo(400);
      assertThat(backend.seen()).isEmpty();
    } else {
      r = exchange(viaCodec, false);
      assertThat(r.status()).isEqualTo(200);
      assertThat(backend.seen()).hasSize(1);
      assertThat(backend.seen().get(0).body()).isEqualTo("hello");
    }
  }

  private void assertOneRequestWithTheSmuggledOneAsBody(String requestLine) {
    List<RawBackend.Seen> seen = backend.seen();
    assertThat(seen).extracting(RawBackend.Seen::requestLine).containsExactly(requestLine);
    assertThat(seen.get(0).body()).isEqualTo(SMUGGLED);
    assertThat(seen.get(0).header("Content-Length")).isEqualTo(String.valueOf(SMUGGLED.length()));
  }
}
