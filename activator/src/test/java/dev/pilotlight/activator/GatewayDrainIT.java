package dev.pilotlight.activator;

import static dev.pilotlight.activator.H2Frames.END_HEADERS;
import static dev.pilotlight.activator.H2Frames.END_STREAM;
import static dev.pilotlight.activator.H2Frames.GOAWAY;
import static dev.pilotlight.activator.H2Frames.block;
import static dev.pilotlight.activator.H2Frames.headers;
import static dev.pilotlight.activator.H2Frames.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's drain through real sockets: while draining it still serves, but tells HTTP/1.1
 * clients to close ({@code Connection: close}) and HTTP/2 clients to go away (GOAWAY, NO_ERROR,
 * streams open finish); once its listeners close, idle connections close and requests in flight
 * finish; when the grace ends a request still held gets 503 with {@code Retry-After}.
 */
class GatewayDrainIT {
  static final RevisionKey REV = new RevisionKey("default", "drain-00001");
  static final RevisionKey EMPTY = new RevisionKey("default", "empty-00001");
  static final String HOST = "drain.default.localhost";
  static final Duration DEADLINE = Duration.ofSeconds(20);

  RawBackend backend;
  Gateway gateway;
  int port;

  @BeforeEach
  void start() throws Exception {
    backend = new RawBackend();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(2)),
            TestGateway.NO_STATS,
            Ticker.system());
    port = gateway.start();
    TestGateway.serve(gateway, HOST, "drain", REV, backend.port());
  }

  @AfterEach
  void stop() throws IOException {
    gateway.close();
    backend.close();
  }

  /** A raw HTTP/1.1 client connection, reading responses framed by Content-Length. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout((int) DEADLINE.toMillis());
      in = socket.getInputStream();
    }

    void send(String path, String host) throws IOException {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }

    /** The next response's head (lower-cased names) and body. */
    String response() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String h = head.toString(StandardCharsets.US_ASCII);
      int length = 0;
      for (String line : h.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      return h.toLowerCase(Locale.ROOT)
          + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** Whether the server closed the connection (end of stream, nothing more). */
    boolean closedByServer() throws IOException {
      try {
        return in.read() < 0;
      } catch (java.net.SocketException reset) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void whileDrainingAKeptAliveConnectionIsServedAndToldToClose() throws Exception {
    try (Client c = new Client(port)) {
      c.send("/", HOST);
      String first = c.response();
      assertThat(first).startsWith("http/1.1 200").doesNotContain("connection: close");

      gateway.startDraining();
      c.send("/", HOST);
      assertThat(c.response()).startsWith("http/1.1 200").contains("connection: close");
      assertThat(c.closedByServer()).isTrue();
    }
    // a connection opened while draining (the balancer has not dropped this replica yet): served
    try (Client c = new Client(port)) {
      c.send("/", HOST);
      assertThat(c.response()).startsWith("http/1.1 200").contains("connection: close");
      assertThat(c.closedByServer()).isTrue();
    }
    // a refusal too
    try (Client c = new Client(port)) {
      c.send("/", "nowhere.default.localhost");
      assertThat(c.response()).startsWith("http/1.1 404").contains("connection: close");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  void onCloseIdleConnectionsCloseAndARequestInFlightFinishes() throws Exception {
    try (Client idle = new Client(port);
        Client busy = new Client(port)) {
      idle.send("/", HOST);
      assertThat(idle.response()).startsWith("http/1.1 200");
      busy.send("/slow", HOST); // the backend answers after 300 ms
      Await.until("the slow request in flight", DEADLINE, () -> backend.seen().size() == 2);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
      assertThat(idle.closedByServer()).as("the idle connection is closed").isTrue();
      String slow = busy.response();
      assertThat(slow).startsWith("http/1.1 200").contains("connection: close").endsWith("/slow");
      assertThat(busy.closedByServer()).isTrue();
      closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void whenTheGraceEndsAHeldRequestGets503WithRetryAfter() throws Exception {
    String emptyHost = "empty.default.localhost";
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                HOST,
                new HostRoute("default", "drain", List.of(new WeightedRevision(REV, 100))),
                emptyHost,
                new HostRoute("default", "empty", List.of(new WeightedRevision(EMPTY, 100))))));
    gateway.onEndpoints(new RevisionEndpoints(EMPTY, 0, Duration.ofSeconds(30), List.of()));
    try (Client held = new Client(port)) {
      held.send("/", emptyHost);
      Await.until("the request held", DEADLINE, () -> gateway.held(EMPTY) == 1);

      CompletableFuture<Void> closing = CompletableFuture.runAsync(gateway::close);
      // held through the 2 s grace (no instance comes), then answered, never dropped
      String answer = held.response();
      assertThat(answer)
          .startsWith("http/1.1 503")
          .contains("retry-after: 1")
          .contains("connection: close")
          .endsWith("gateway shutting down\n");
      closing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void anHttp2ConnectionGetsGoAwayItsOpenStreamFinishesThenItCloses() throws Exception {
    try (H2FrameClient c = H2FrameClient.open(port)) {
      c.send(headers(1, END_STREAM | END_HEADERS, block(request("GET", HOST, "/"))));
      assertThat(c.awaitResponse(1).status()).isEqualTo(200);
      c.send(headers(3, END_STREAM | END_HEADERS, block(request("GET", HOST, "/slow"))));
      Await.until("the slow request in flight", DEADLINE, () -> backend.seen().size() == 2);

      gateway.startDraining();
      H2Frames.Frame goAway = c.await("GOAWAY", f -> f.type() == GOAWAY);
      assertThat(goAway).as("frames: %s", c.tail()).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(H2Frames.NO_ERROR);
      assertThat(goAway.lastStreamId()).as("the open stream is still served").isEqualTo(3);
      H2FrameClient.Response slow = c.awaitResponse(3);
      assertThat(slow.status()).isEqualTo(200);
      assertThat(new String(slow.body(), StandardCharsets.US_ASCII)).endsWith("/slow");
      c.expectClosed();
    }
  }

  @Test
  void anIdleHttp2ConnectionIsClosedWithGoAwayWhenTheDrainStarts() throws Exception {
    try (H2FrameClient c = H2FrameClient.open(port)) {
      c.send(headers(1, END_STREAM | END_HEADERS, block(request("GET", HOST, "/"))));
      assertThat(c.awaitResponse(1).status()).isEqualTo(200);
      gateway.startDraining();
      H2Frames.Frame goAway = c.await("GOAWAY", f -> f.type() == GOAWAY);
      assertThat(goAway).as("frames: %s", c.tail()).isNotNull();
      assertThat(goAway.errorCode()).isEqualTo(H2Frames.NO_ERROR);
      assertThat(goAway.lastStreamId()).isEqualTo(1);
      c.expectClosed();
    }
  }
}
