package dev.pilotlight.activator;

import static dev.pilotlight.activator.H2Frames.COMPRESSION_ERROR;
import static dev.pilotlight.activator.H2Frames.DATA;
import static dev.pilotlight.activator.H2Frames.END_HEADERS;
import static dev.pilotlight.activator.H2Frames.END_STREAM;
import static dev.pilotlight.activator.H2Frames.FLOW_CONTROL_ERROR;
import static dev.pilotlight.activator.H2Frames.FRAME_SIZE_ERROR;
import static dev.pilotlight.activator.H2Frames.GOAWAY;
import static dev.pilotlight.activator.H2Frames.HEADERS;
import static dev.pilotlight.activator.H2Frames.PING;
import static dev.pilotlight.activator.H2Frames.PROTOCOL_ERROR;
import static dev.pilotlight.activator.H2Frames.REFUSED_STREAM;
import static dev.pilotlight.activator.H2Frames.RST_STREAM;
import static dev.pilotlight.activator.H2Frames.SETTINGS;
import static dev.pilotlight.activator.H2Frames.SETTINGS_ENABLE_PUSH;
import static dev.pilotlight.activator.H2Frames.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.pilotlight.activator.H2Frames.SETTINGS_MAX_CONCURRENT_STREAMS;
import static dev.pilotlight.activator.H2Frames.SETTINGS_MAX_FRAME_SIZE;
import static dev.pilotlight.activator.H2Frames.STREAM_CLOSED;
import static dev.pilotlight.activator.H2Frames.block;
import static dev.pilotlight.activator.H2Frames.concat;
import static dev.pilotlight.activator.H2Frames.continuation;
import static dev.pilotlight.activator.H2Frames.data;
import static dev.pilotlight.activator.H2Frames.frame;
import static dev.pilotlight.activator.H2Frames.headers;
import static dev.pilotlight.activator.H2Frames.priority;
import static dev.pilotlight.activator.H2Frames.request;
import static dev.pilotlight.activator.H2Frames.rstStream;
import static dev.pilotlight.activator.H2Frames.settings;
import static dev.pilotlight.activator.H2Frames.windowUpdate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.H2Frames.Frame;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 conformance of the gateway's client side, frame by frame over a real socket to a real
 * gateway (an instance behind it that logs what reaches it, {@link RawBackend}). Each case of the
 * h2spec suite that concerns a server is reproduced here, named after it ({@code h2spec_6_9_2} is
 * section 6.9, case 2), and asserts exactly the answer RFC 9113 names: a stream error is a
 * RST_STREAM with its code on that stream and the connection goes on; a connection error is a
 * GOAWAY with its code and the connection's end. Then the protections that are kept deliberately
 * (floods, malformed requests in numbers).
 */
class GatewayH2ConformanceIT {
  static {
    LeakCheck.install();
  }

  static final RevisionKey REV = new RevisionKey("default", "h2-00001");
  static final String HOST = "h2.default.localhost";
  static final String UNROUTED = "nowhere.default.localhost";

  static RawBackend backend;
  static Gateway gateway;
  static int port;

  final List<H2FrameClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    backend = new RawBackend();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            TestGateway.NO_STATS,
            Ticker.system());
    port = gateway.start();
    TestGateway.serve(gateway, HOST, "h2", REV, backend.port());
  }

  @AfterEach
  void closeClients() throws IOException {
    for (H2FrameClient c : clients) {
      c.close();
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (gateway != null) {
      gateway.close();
    }
    if (backend != null) {
      backend.close();
    }
    LeakCheck.assertNoLeaks();
  }

  H2FrameClient client(long... settings) throws IOException {
    H2FrameClient c = H2FrameClient.open(port, settings);
    clients.add(c);
    return c;
  }

  static byte[] get(int streamId, String path) {
    return headers(streamId, END_STREAM | END_HEADERS, block(request("GET", HOST, path)));
  }

  static byte[] get(int streamId) {
    return get(streamId, "/");
  }

  /** A POST's head, its body to follow. */
  static byte[] post(int streamId, String... more) {
    return headers(streamId, END_HEADERS, block(request("POST", HOST, "/", more)));
  }

  static String[] common() {
    return request("GET", HOST, "/");
  }

  static String[] with(String[] fields, String... more) {
    String[] all = new String[fields.length + more.length];
    System.arraycopy(fields, 0, all, 0, fields.length);
    System.arraycopy(more, 0, all, fields.length, more.length);
    return all;
  }

  static String[] without(String[] fields, String name) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 1 < fields.length; i += 2) {
      if (!fields[i].equals(name)) {
        out.add(fields[i]);
        out.add(fields[i + 1]);
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * A request whose header block is malformed: reset with PROTOCOL_ERROR at once, never forwarded,
   * and the connection goes on.
   */
  void assertMalformed(String... fields) throws IOException {
    // marked, so what reached the instance is told by the mark, not by a count that a late record
    // of an earlier test's request could shift
    String mark = "malformed-" + MARKS.incrementAndGet();
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM | END_HEADERS, block(with(fields, "x-conformance-mark", mark))));
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
    c.send(get(3, "/after-" + mark));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    List<RawBackend.Seen> seen = backend.seen();
    assertThat(seen)
        .as("the malformed request never reached the instance")
        .noneMatch(r -> mark.equals(r.header("x-conformance-mark")));
    assertThat(seen)
        .as("the next request on the connection did")
        .anyMatch(r -> r.requestLine().contains(" /after-" + mark + " "));
  }

  private static final AtomicInteger MARKS = new AtomicInteger();

  void assertMalformed(byte[]... frames) throws IOException {
    long seen = whole(backend.seen());
    H2FrameClient c = client();
    c.send(frames);
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
    c.send(get(3));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    assertThat(whole(backend.seen())).as("requests that reached the instance").isEqualTo(seen + 1);
  }

  /**
   * Requests the instance read whole. An earlier test's request whose body was cut off is recorded
   * when its connection closes, which may be during a later test: it is left out of the count.
   */
  static long whole(List<RawBackend.Seen> seen) {
    return seen.stream()
        .filter(
            r -> {
              String length = r.header("content-length");
              return length == null || r.body().length() >= Long.parseLong(length.trim());
            })
        .count();
  }

  /**
   * A request whose body breaks its {@code content-length}: the head may have gone on to the
   * instance already, the body not; the stream is reset with PROTOCOL_ERROR and what the client
   * sent after it is ignored.
   */
  void assertMalformedBody(byte[]... frames) throws IOException {
    int seen = backend.seen().size();
    H2FrameClient c = client();
    c.send(frames);
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
    c.send(get(3));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    assertThat(backend.seen().subList(seen, backend.seen().size()))
        .as("no body reached the instance")
        .allMatch(r -> r.body().isEmpty());
  }

  static byte[] bytes(int n) {
    return "x".repeat(n).getBytes(StandardCharsets.US_ASCII);
  }

  // --- 3.5 HTTP/2 Connection Preface ---

  @Test
  void h2spec_3_5_1_theServerPrefaceIsASettingsFrame() throws IOException {
    H2FrameClient c = new H2FrameClient(port);
    clients.add(c);
    c.send(H2Frames.PREFACE, settings(SETTINGS_INITIAL_WINDOW_SIZE, 65535));
    Frame first = c.next();
    assertThat(first).isNotNull();
    assertThat(first.type()).isEqualTo(SETTINGS);
    assertThat(first.has(H2Frames.ACK)).isFalse();
  }

  /**
   * h2spec 3.5/2 expects a connection error; on a port shared by HTTP/1.1 and h2c, bytes that are
   * not the preface are an HTTP/1.1 request, and this one is malformed: 400, then the close.
   */
  @Test
  void h2spec_3_5_2_anInvalidPrefaceIsReadAsAMalformedHttp1Request() throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) H2FrameClient.WAIT.toMillis());
      s.getOutputStream()
          .write("INVALID CONNECTION PREFACE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all).startsWith("HTTP/1.1 400 ");
    }
  }

  // --- 4.1 Frame Format ---

  @Test
  void h2spec_4_1_1_aFrameOfUnknownTypeIsIgnored() throws IOException {
    H2FrameClient c = client();
    c.send(frame(0x16, 0, 0, new byte[8]));
    c.expectAlive();
  }

  @Test
  void h2spec_4_1_2_undefinedFlagsAreIgnored() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0x16, 0, new byte[8]));
    Frame ack = c.await("a PING acknowledgement", f -> f.type() == PING || f.type() == GOAWAY);
    assertThat(ack).isNotNull().matches(f -> f.type() == PING && f.has(H2Frames.ACK));
  }

  @Test
  void h2spec_4_1_3_theReservedBitOfTheStreamIdentifierIsIgnored() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0, 0x80000000, new byte[8]));
    Frame ack = c.await("a PING acknowledgement", f -> f.type() == PING || f.type() == GOAWAY);
    assertThat(ack).isNotNull().matches(f -> f.type() == PING && f.has(H2Frames.ACK));
  }

  // --- 4.2 Frame Size ---

  @Test
  void h2spec_4_2_1_aDataFrameOfTheMaximumFrameSizeIsServed() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), data(1, true, bytes(16384)));
    assertThat(c.awaitResponse(1).text()).isEqualTo("seen:POST /");
  }

  @Test
  void h2spec_4_2_2_aDataFrameOverTheMaximumFrameSizeIsAFrameSizeError() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), data(1, true, bytes(16385)));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  @Test
  void h2spec_4_2_3_aHeadersFrameOverTheMaximumFrameSizeIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    String[] fields = common();
    for (int i = 0; i < 5; i++) {
      fields = with(fields, "x-dummy" + i, "x".repeat(4000));
    }
    c.send(headers(1, END_STREAM | END_HEADERS, block(fields)));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  // --- 4.3 Header Compression and Decompression ---

  @Test
  void h2spec_4_3_1_anInvalidHeaderBlockIsACompressionError() throws IOException {
    H2FrameClient c = client();
    // a literal with incremental indexing whose name index is cut off
    c.send(headers(1, END_STREAM | END_HEADERS, new byte[] {0x40}));
    c.expectConnectionError(COMPRESSION_ERROR);
  }

  @Test
  void h2spec_4_3_2_aPriorityFrameInsideAHeaderBlockIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(common())),
        priority(1, 0, false, 256),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_4_3_3_headersOfAnotherStreamInsideAHeaderBlockIsAConnectionError()
      throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(common())),
        get(3),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 5.1 Stream States ---

  @Test
  void h2spec_5_1_1_dataOnAnIdleStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(data(1, true, "test"));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_2_rstStreamOnAnIdleStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(rstStream(1, H2Frames.CANCEL));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_3_windowUpdateOnAnIdleStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(windowUpdate(1, 100));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_4_continuationOnAnIdleStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(continuation(1, END_HEADERS, block(common())));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_5_dataOnAHalfClosedRemoteStreamIsStreamClosed() throws IOException {
    H2FrameClient c = client();
    // the instance answers /slow after a while: the stream is still half-closed (remote)
    c.send(get(1, "/slow"), data(1, true, "test"));
    c.expectStreamError(1, STREAM_CLOSED);
    c.expectAlive();
  }

  @Test
  void h2spec_5_1_6_headersOnAHalfClosedRemoteStreamIsStreamClosed() throws IOException {
    H2FrameClient c = client();
    c.send(get(1, "/slow"), get(1, "/slow"));
    c.expectStreamError(1, STREAM_CLOSED);
    c.expectAlive();
  }

  @Test
  void h2spec_5_1_7_continuationOnAHalfClosedRemoteStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(1, "/slow"), continuation(1, END_HEADERS, block(common())));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_8_dataAfterTheClientsRstStreamIsStreamClosed() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), rstStream(1, H2Frames.CANCEL), data(1, true, "test"));
    c.expectStreamError(1, STREAM_CLOSED);
    c.expectAlive();
  }

  @Test
  void h2spec_5_1_9_headersAfterTheClientsRstStreamIsStreamClosed() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), rstStream(1, H2Frames.CANCEL), get(1));
    c.expectStreamError(1, STREAM_CLOSED);
    c.expectAlive();
  }

  @Test
  void h2spec_5_1_10_continuationAfterTheClientsRstStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        post(1),
        rstStream(1, H2Frames.CANCEL),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_11_dataOnAStreamClosedAfterItsEndStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    c.awaitResponse(1);
    c.send(data(1, true, "test"));
    c.expectConnectionError(STREAM_CLOSED);
  }

  @Test
  void h2spec_5_1_12_headersOnAStreamClosedAfterItsEndStreamIsAConnectionError()
      throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    c.awaitResponse(1);
    c.send(get(1));
    c.expectConnectionError(STREAM_CLOSED);
  }

  @Test
  void h2spec_5_1_13_continuationOnAClosedStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    c.awaitResponse(1);
    c.send(continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 5.1.1 Stream Identifiers ---

  @Test
  void h2spec_5_1_1_1_anEvenStreamIdentifierIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(2));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_1_1_2_aStreamIdentifierBelowOneUsedIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(5), get(3));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 5.1.2 Stream Concurrency ---

  @Test
  void h2spec_5_1_2_1_aStreamOverTheConcurrencyLimitIsRefused() throws IOException {
    H2FrameClient c = client();
    Frame settingsFrame = c.log().stream().filter(f -> f.type() == SETTINGS).findFirst().get();
    long max = setting(settingsFrame, SETTINGS_MAX_CONCURRENT_STREAMS);
    assertThat(max).isPositive().isLessThan(5000);
    // no window for responses: every answered stream stays open (the 404s' bodies wait)
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 0));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i <= max; i++) {
      all.writeBytes(
          headers(2 * i + 1, END_STREAM | END_HEADERS, block(request("GET", UNROUTED, "/"))));
    }
    c.send(all.toByteArray());
    c.expectStreamError((int) (2 * max + 1), REFUSED_STREAM);
  }

  static long setting(Frame settingsFrame, int id) {
    byte[] p = settingsFrame.payload();
    for (int i = 0; i + 6 <= p.length; i += 6) {
      int key = ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
      if (key == id) {
        return java.nio.ByteBuffer.wrap(p, i + 2, 4).getInt() & 0xffffffffL;
      }
    }
    return -1;
  }

  // --- 5.3.1 Stream Dependencies ---

  /**
   * RFC 9113 5.3.1 makes this a stream error; Netty's frame reader finds it before the frame's
   * header block is decoded, when only a connection error keeps the HPACK state sound: the code is
   * the one the RFC names (h2spec accepts either).
   */
  @Test
  void h2spec_5_3_1_1_headersDependingOnItsOwnStreamIsAProtocolError() throws IOException {
    H2FrameClient c = client();
    c.send(
        H2Frames.headersWithPriority(1, END_STREAM | END_HEADERS, 1, false, 256, block(common())));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_5_3_1_2_priorityDependingOnItsOwnStreamIsAStreamError() throws IOException {
    H2FrameClient c = client();
    c.send(priority(1, 1, false, 256));
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
  }

  // --- 5.4.1 Connection Error Handling ---

  @Test
  void h2spec_5_4_1_1_aConnectionErrorClosesTheConnection() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0, 3, new byte[8]));
    c.expectClosed();
  }

  @Test
  void h2spec_5_4_1_2_aConnectionErrorSendsGoawayFirst() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0, 3, new byte[8]));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 5.5 Extending HTTP/2 ---

  @Test
  void h2spec_5_5_1_anUnknownExtensionFrameIsIgnored() throws IOException {
    H2FrameClient c = client();
    c.send(frame(0x16, 0, 0, new byte[8]));
    c.expectAlive();
  }

  @Test
  void h2spec_5_5_2_anUnknownFrameInsideAHeaderBlockIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM, block(common())), frame(0x16, 0, 0, new byte[8]));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 6.1 DATA ---

  @Test
  void h2spec_6_1_1_dataOnStreamZeroIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(data(0, true, "test"));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_1_2_dataOnAStreamNotOpenIsStreamClosed() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, END_STREAM | END_HEADERS, block(request("POST", HOST, "/slow"))),
        data(1, true, "test"));
    c.expectStreamError(1, STREAM_CLOSED);
    c.expectAlive();
  }

  @Test
  void h2spec_6_1_3_aPadLengthOverTheDataFrameIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    // pad length 6 in a 5-byte payload
    c.send(
        post(1, "content-length", "4"),
        frame(DATA, END_STREAM | H2Frames.PADDED, 1, new byte[] {6, 'T', 'e', 's', 't'}));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 6.2 HEADERS ---

  @Test
  void h2spec_6_2_1_priorityInsideAHeaderBlockIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(common())),
        priority(1, 0, false, 256),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_2_2_headersOfAnotherStreamInsideAHeaderBlockIsAConnectionError()
      throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(common())),
        get(3),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_2_3_headersOnStreamZeroIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(0));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_2_4_aPadLengthOverTheHeadersFrameIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    byte[] b = block(common());
    byte[] payload = new byte[1 + b.length];
    payload[0] = (byte) (b.length + 2);
    System.arraycopy(b, 0, payload, 1, b.length);
    c.send(frame(HEADERS, END_STREAM | END_HEADERS | H2Frames.PADDED, 1, payload));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 6.3 PRIORITY ---

  @Test
  void h2spec_6_3_1_priorityOnStreamZeroIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(priority(0, 0, false, 256));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_3_2_aPriorityFrameNotFiveOctetsLongIsAFrameSizeStreamError() throws IOException {
    H2FrameClient c = client();
    // on an open stream (the instance answers /slow late), where the reset is the stream's own
    c.send(get(1, "/slow"), frame(H2Frames.PRIORITY, 0, 1, new byte[] {(byte) 0x80, 0, 0, 1}));
    c.expectStreamError(1, FRAME_SIZE_ERROR);
    c.expectAlive();
  }

  @Test
  void h2spec_6_3_2_aPriorityFrameNotFiveOctetsLongOnAClosedStream() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    c.awaitResponse(1);
    c.send(frame(H2Frames.PRIORITY, 0, 1, new byte[] {(byte) 0x80, 0, 0, 1}));
    c.expectStreamError(1, FRAME_SIZE_ERROR);
    c.expectAlive();
  }

  // --- 6.4 RST_STREAM ---

  @Test
  void h2spec_6_4_1_rstStreamOnStreamZeroIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(rstStream(0, H2Frames.CANCEL));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_4_2_rstStreamOnAnIdleStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(rstStream(1, H2Frames.CANCEL));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_4_3_aRstStreamNotFourOctetsLongIsAFrameSizeConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(1), frame(RST_STREAM, 0, 1, new byte[3]));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  // --- 6.5 SETTINGS ---

  @Test
  void h2spec_6_5_1_aSettingsAckWithAPayloadIsAFrameSizeError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(SETTINGS, H2Frames.ACK, 0, new byte[1]));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  @Test
  void h2spec_6_5_2_settingsOnAStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(SETTINGS, 0, 1, new byte[] {0, 3, 0, 0, 0, 100}));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_5_3_settingsNotAMultipleOfSixOctetsIsAFrameSizeError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(SETTINGS, 0, 0, new byte[] {0, 3, 0}));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  // --- 6.5.2 Defined SETTINGS Parameters ---

  @Test
  void h2spec_6_5_2_1_enablePushOtherThanZeroOrOneIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_ENABLE_PUSH, 2));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_5_2_2_anInitialWindowSizeOverTheMaximumIsAFlowControlError() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 2147483648L));
    c.expectConnectionError(FLOW_CONTROL_ERROR);
  }

  @Test
  void h2spec_6_5_2_3_aMaxFrameSizeBelowTheInitialValueIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_MAX_FRAME_SIZE, 16383));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_5_2_4_aMaxFrameSizeOverTheMaximumIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_MAX_FRAME_SIZE, 16777216));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_5_2_5_anUnknownSettingIsIgnored() throws IOException {
    H2FrameClient c = client();
    c.send(settings(0xFF, 1));
    c.expectAlive();
  }

  // --- 6.5.3 Settings Synchronization ---

  @Test
  void h2spec_6_5_3_1_settingsValuesAreProcessedInOrder() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 100, SETTINGS_INITIAL_WINDOW_SIZE, 1));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
    c.send(get(1));
    assertFirstDataIsOneByte(c, 1);
  }

  static void assertFirstDataIsOneByte(H2FrameClient c, int streamId) throws IOException {
    Frame d =
        c.await(
            "a DATA frame on stream " + streamId,
            f ->
                f.type() == GOAWAY
                    || (f.streamId() == streamId && (f.type() == DATA || f.type() == RST_STREAM)));
    assertThat(d).as("frames: %s", c.tail()).isNotNull();
    assertThat(d.type()).as("frames: %s", c.tail()).isEqualTo(DATA);
    assertThat(d.payload()).hasSize(1);
  }

  @Test
  void h2spec_6_5_3_2_settingsAreAcknowledged() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_ENABLE_PUSH, 0));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
  }

  // --- 6.7 PING ---

  @Test
  void h2spec_6_7_1_aPingIsAnsweredWithTheSamePayload() throws IOException {
    H2FrameClient c = client();
    byte[] opaque = "h2spec\0\0".getBytes(StandardCharsets.US_ASCII);
    c.send(H2Frames.ping(false, opaque));
    Frame ack = c.await("the PING ACK", f -> f.type() == PING || f.type() == GOAWAY);
    assertThat(ack).isNotNull();
    assertThat(ack.has(H2Frames.ACK)).isTrue();
    assertThat(ack.payload()).isEqualTo(opaque);
  }

  @Test
  void h2spec_6_7_2_aPingAckIsNotAnswered() throws IOException {
    H2FrameClient c = client();
    c.send(H2Frames.ping(true, "invalid\0".getBytes(StandardCharsets.US_ASCII)));
    assertThat(c.pingPong()).noneMatch(f -> f.type() == PING);
  }

  @Test
  void h2spec_6_7_3_aPingOnAStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0, 1, new byte[8]));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_7_4_aPingNotEightOctetsLongIsAFrameSizeError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(PING, 0, 0, new byte[6]));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  // --- 6.8 GOAWAY ---

  @Test
  void h2spec_6_8_1_goawayOnAStreamIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(GOAWAY, 0, 1, new byte[8]));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 6.9 WINDOW_UPDATE ---

  @Test
  void h2spec_6_9_1_aZeroIncrementOnTheConnectionIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(windowUpdate(0, 0));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_9_2_aZeroIncrementOnAStreamIsAStreamError() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), windowUpdate(1, 0));
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
  }

  @Test
  void h2spec_6_9_3_aWindowUpdateNotFourOctetsLongIsAFrameSizeError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(H2Frames.WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 1}));
    c.expectConnectionError(FRAME_SIZE_ERROR);
  }

  // --- 6.9.1 The Flow-Control Window ---

  @Test
  void h2spec_6_9_1_1_dataRespectsAOneOctetInitialWindow() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 1));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
    c.send(get(1));
    assertFirstDataIsOneByte(c, 1);
  }

  @Test
  void h2spec_6_9_1_2_aConnectionWindowOverTheMaximumIsAFlowControlError() throws IOException {
    H2FrameClient c = client();
    c.send(windowUpdate(0, 2147483647L), windowUpdate(0, 2147483647L));
    Frame goaway = c.await("GOAWAY", f -> f.type() == GOAWAY);
    assertThat(goaway).as("frames: %s", c.tail()).isNotNull();
    // the first GOAWAY must say it: no NO_ERROR ahead of it
    assertThat(H2Frames.errorName(goaway.errorCode())).isEqualTo("FLOW_CONTROL_ERROR");
    c.expectClosed();
  }

  @Test
  void h2spec_6_9_1_3_aStreamWindowOverTheMaximumIsAFlowControlStreamError() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), windowUpdate(1, 2147483647L), windowUpdate(1, 2147483647L));
    c.expectStreamError(1, FLOW_CONTROL_ERROR);
    c.expectAlive();
  }

  // --- 6.9.2 Initial Flow-Control Window Size ---

  @Test
  void h2spec_6_9_2_1_aNewInitialWindowSizeAppliesToOpenStreams() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 0));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
    c.send(get(1), settings(SETTINGS_INITIAL_WINDOW_SIZE, 1));
    assertFirstDataIsOneByte(c, 1);
  }

  @Test
  void h2spec_6_9_2_2_aNegativeWindowIsTracked() throws IOException {
    H2FrameClient c = client();
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 3));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
    c.send(get(1));
    Frame first = c.await("DATA", f -> f.type() == DATA || f.type() == GOAWAY);
    assertThat(first).isNotNull().matches(f -> f.type() == DATA && f.payload().length == 3);
    c.send(settings(SETTINGS_INITIAL_WINDOW_SIZE, 2));
    assertThat(c.await("SETTINGS ACK", f -> f.type() == SETTINGS && f.has(H2Frames.ACK)))
        .isNotNull();
    // the window is now -1: an increment of 2 lets exactly one octet through
    c.send(windowUpdate(1, 2));
    assertFirstDataIsOneByte(c, 1);
  }

  @Test
  void h2spec_6_9_2_3_anInitialWindowSizeOverTheMaximumIsAFlowControlError() throws IOException {
    H2FrameClient c = client();
    c.send(frame(SETTINGS, 0, 0, new byte[] {0, 4, (byte) 0x80, 0, 0, 0}));
    c.expectConnectionError(FLOW_CONTROL_ERROR);
  }

  // --- 6.10 CONTINUATION ---

  @Test
  void h2spec_6_10_1_aHeaderBlockInSeveralContinuationsIsServed() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, END_STREAM, block(common())),
        continuation(1, 0, block("x-dummy0", "x".repeat(100))),
        continuation(1, END_HEADERS, block("x-dummy1", "x".repeat(100))));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
  }

  @Test
  void h2spec_6_10_2_anotherFrameInsideAHeaderBlockIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(request("POST", HOST, "/"))),
        continuation(1, 0, block("x-dummy", "x")),
        data(1, true, "test"));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_10_3_continuationOnStreamZeroIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM, block(common())), continuation(0, END_HEADERS, block("x", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_10_4_continuationAfterEndHeadersIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(get(1), continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_10_5_continuationAfterAFinalContinuationIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, END_STREAM, block(common())),
        continuation(1, END_HEADERS, block("x-dummy", "x")),
        continuation(1, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  @Test
  void h2spec_6_10_6_continuationAfterDataIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(
        headers(1, 0, block(request("POST", HOST, "/"))),
        data(1, true, "test"),
        continuation(1, 0, block("x-dummy", "x")),
        continuation(0, END_HEADERS, block("x-dummy", "x")));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- 7 Error Codes ---

  @Test
  void h2spec_7_1_goawayWithAnUnknownErrorCodeIsNothingSpecial() throws IOException {
    H2FrameClient c = client();
    c.send(H2Frames.goaway(0, 0xff, ""));
    // the client is going away: either the PING is answered or the connection closes
    byte[] opaque = "h2spec\0\0".getBytes(StandardCharsets.US_ASCII);
    c.send(H2Frames.ping(false, opaque));
    Frame f = c.await("PING ACK or close", x -> x.type() == PING || x.type() == GOAWAY);
    if (f != null) {
      assertThat(f.type()).isEqualTo(PING);
    }
  }

  @Test
  void h2spec_7_2_rstStreamWithAnUnknownErrorCodeIsNothingSpecial() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), rstStream(1, 0xff));
    c.expectAlive();
  }

  // --- 8.1 HTTP Request/Response Exchange ---

  @Test
  void h2spec_8_1_1_aSecondHeadersWithoutEndStreamIsMalformed() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), data(1, false, "test"), headers(1, END_HEADERS, block("x-test", "ok")));
    c.expectStreamError(1, PROTOCOL_ERROR);
    c.expectAlive();
  }

  // --- 8.1.2 HTTP Header Fields ---

  @Test
  void h2spec_8_1_2_1_anUppercaseFieldNameIsMalformed() throws IOException {
    assertMalformed(with(common(), "X-TEST", "ok"));
  }

  @Test
  void h2spec_8_1_2_1_1_anUnknownPseudoHeaderIsMalformed() throws IOException {
    assertMalformed(with(common(), ":test", "ok"));
  }

  @Test
  void h2spec_8_1_2_1_2_aResponsePseudoHeaderInARequestIsMalformed() throws IOException {
    assertMalformed(with(common(), ":status", "200"));
  }

  @Test
  void h2spec_8_1_2_1_3_aPseudoHeaderInTrailersIsMalformed() throws IOException {
    assertMalformed(
        post(1),
        data(1, false, "test"),
        headers(1, END_STREAM | END_HEADERS, block(":method", "POST")));
  }

  @Test
  void h2spec_8_1_2_1_3_aPseudoHeaderInTrailersWithoutEndStreamIsMalformed() throws IOException {
    assertMalformed(
        post(1), data(1, false, "test"), headers(1, END_HEADERS, block(":method", "POST")));
  }

  @Test
  void h2spec_8_1_2_1_4_aPseudoHeaderAfterARegularFieldIsMalformed() throws IOException {
    assertMalformed(with(new String[] {"x-test", "ok"}, common()));
  }

  @Test
  void h2spec_8_1_2_2_1_aConnectionSpecificFieldIsMalformed() throws IOException {
    assertMalformed(with(common(), "connection", "keep-alive"));
  }

  @Test
  void h2spec_8_1_2_2_2_teOtherThanTrailersIsMalformed() throws IOException {
    assertMalformed(with(common(), "trailers", "test", "te", "trailers, deflate"));
  }

  @Test
  void h2spec_8_1_2_3_1_anEmptyPathIsMalformed() throws IOException {
    assertMalformed(request("GET", HOST, ""));
  }

  @Test
  void h2spec_8_1_2_3_2_noMethodIsMalformed() throws IOException {
    assertMalformed(without(common(), ":method"));
  }

  @Test
  void h2spec_8_1_2_3_3_noSchemeIsMalformed() throws IOException {
    assertMalformed(without(common(), ":scheme"));
  }

  @Test
  void h2spec_8_1_2_3_4_noPathIsMalformed() throws IOException {
    assertMalformed(without(common(), ":path"));
  }

  @Test
  void h2spec_8_1_2_3_5_aDuplicateMethodIsMalformed() throws IOException {
    assertMalformed(with(common(), ":method", "GET"));
  }

  @Test
  void h2spec_8_1_2_3_6_aDuplicateSchemeIsMalformed() throws IOException {
    assertMalformed(with(common(), ":scheme", "http"));
  }

  @Test
  void h2spec_8_1_2_3_7_aDuplicatePathIsMalformed() throws IOException {
    assertMalformed(with(common(), ":path", "/"));
  }

  @Test
  void h2spec_8_1_2_6_1_aContentLengthOtherThanTheDataIsMalformed() throws IOException {
    assertMalformedBody(post(1, "content-length", "1"), data(1, true, "test"));
  }

  @Test
  void h2spec_8_1_2_6_2_aContentLengthOtherThanTheSumOfTheDataIsMalformed() throws IOException {
    assertMalformedBody(
        post(1, "content-length", "1"), data(1, false, "test"), data(1, true, "test"));
  }

  // --- 8.2 Server Push ---

  @Test
  void h2spec_8_2_1_aPushPromiseFromTheClientIsAConnectionError() throws IOException {
    H2FrameClient c = client();
    c.send(H2Frames.pushPromise(1, 3, block(common())));
    c.expectConnectionError(PROTOCOL_ERROR);
  }

  // --- generic: what a server must simply serve ---

  @Test
  void h2spec_generic_2_1_priorityOnAnIdleStreamIsAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(priority(1, 0, false, 256));
    c.expectAlive();
  }

  @Test
  void h2spec_generic_2_2_windowUpdateOnAHalfClosedRemoteStreamIsAccepted() throws IOException {
    H2FrameClient c = client(SETTINGS_INITIAL_WINDOW_SIZE, 0);
    c.send(get(1), windowUpdate(1, 1));
    assertFirstDataIsOneByte(c, 1);
  }

  @Test
  void h2spec_generic_2_3_priorityOnAHalfClosedRemoteStreamIsAccepted() throws IOException {
    H2FrameClient c = client(SETTINGS_INITIAL_WINDOW_SIZE, 0);
    c.send(get(1), priority(1, 0, false, 256), windowUpdate(1, 1));
    assertFirstDataIsOneByte(c, 1);
  }

  @Test
  void h2spec_generic_2_4_rstStreamOnAHalfClosedRemoteStreamIsAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(get(1, "/slow"), rstStream(1, H2Frames.CANCEL));
    c.expectAlive();
  }

  @Test
  void h2spec_generic_2_5_priorityOnAClosedStreamIsAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    c.awaitResponse(1);
    c.send(priority(1, 0, false, 256));
    c.expectAlive();
  }

  @Test
  void h2spec_generic_3_1_dataFramesAreServed() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), data(1, true, "test"));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
    c.send(post(3), data(3, false, "test"), data(3, true, "test"));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    c.send(post(5), H2Frames.dataPadded(5, true, "test".getBytes(StandardCharsets.US_ASCII), 5));
    assertThat(c.awaitResponse(5).status()).isEqualTo(200);
    assertThat(backend.seen().get(backend.seen().size() - 1).body()).isEqualTo("test");
  }

  @Test
  void h2spec_generic_3_2_headersFramesAreServed() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    assertThat(c.awaitResponse(1).text()).isEqualTo("seen:GET /");
    c.send(H2Frames.headersPadded(3, END_STREAM | END_HEADERS, block(common()), 8));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    c.send(
        H2Frames.headersWithPriority(
            3 + 2, END_STREAM | END_HEADERS, 0, false, 255, block(common())));
    assertThat(c.awaitResponse(5).status()).isEqualTo(200);
  }

  @Test
  void h2spec_generic_3_3_priorityFramesAreAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(priority(1, 0, false, 1), get(1));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
    c.send(priority(3, 0, false, 256), get(3));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    c.send(priority(5, 7, false, 10), get(5));
    assertThat(c.awaitResponse(5).status()).isEqualTo(200);
    c.send(priority(9, 0, true, 10), get(9));
    assertThat(c.awaitResponse(9).status()).isEqualTo(200);
    // a PRIORITY for a higher idle stream, then HEADERS for a lower one
    c.send(priority(13, 0, false, 10), get(11));
    assertThat(c.awaitResponse(11).status()).isEqualTo(200);
  }

  @Test
  void h2spec_generic_3_4_rstStreamIsAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(post(1), rstStream(1, H2Frames.CANCEL));
    c.expectAlive();
  }

  @Test
  void h2spec_generic_3_8_aClientsGoawayIsAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(H2Frames.goaway(0, H2Frames.NO_ERROR, "h2spec"));
    byte[] opaque = "h2spec\0\0".getBytes(StandardCharsets.US_ASCII);
    c.send(H2Frames.ping(false, opaque));
    Frame f = c.await("PING ACK or close", x -> x.type() == PING || x.type() == GOAWAY);
    if (f != null) {
      assertThat(f.type()).isEqualTo(PING);
    }
  }

  @Test
  void h2spec_generic_3_9_windowUpdatesAreAccepted() throws IOException {
    H2FrameClient c = client();
    c.send(windowUpdate(0, 1));
    c.expectAlive();
    c.send(headers(1, END_HEADERS, block(request("GET", HOST, "/"))), windowUpdate(1, 1));
    c.send(data(1, true, new byte[0]));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
  }

  @Test
  void h2spec_generic_3_10_continuationFramesAreServed() throws IOException {
    H2FrameClient c = client();
    byte[] b = block(common());
    c.send(
        headers(1, END_STREAM, java.util.Arrays.copyOfRange(b, 0, 5)),
        continuation(1, END_HEADERS, java.util.Arrays.copyOfRange(b, 5, b.length)));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
    c.send(
        headers(3, END_STREAM, java.util.Arrays.copyOfRange(b, 0, 5)),
        continuation(3, 0, java.util.Arrays.copyOfRange(b, 5, 10)),
        continuation(3, END_HEADERS, java.util.Arrays.copyOfRange(b, 10, b.length)));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
  }

  @Test
  void h2spec_generic_4_requestsAreServed() throws IOException {
    H2FrameClient c = client();
    c.send(get(1));
    assertThat(c.awaitResponse(1).text()).isEqualTo("seen:GET /");
    c.send(headers(3, END_STREAM | END_HEADERS, block(request("HEAD", HOST, "/"))));
    H2FrameClient.Response head = c.awaitResponse(3);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    c.send(post(5), data(5, true, "test"));
    assertThat(c.awaitResponse(5).text()).isEqualTo("seen:POST /");
    c.send(
        post(7, "trailer", "x-test"),
        data(7, false, "test"),
        headers(7, END_STREAM | END_HEADERS, block("x-test", "ok")));
    assertThat(c.awaitResponse(7).text()).isEqualTo("seen:POST /");
  }

  /**
   * h2spec generic 5 and the HPACK cases a server must serve: indexed fields, literals with and
   * without indexing or never indexed, Huffman-coded or not, dynamic table size updates, and the
   * dynamic table carried from one request to the next (Netty's encoder, as a client would).
   */
  @Test
  void h2spec_generic_5_hpackRepresentationsAreDecoded() throws Exception {
    H2FrameClient c = client();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x20); // a dynamic table size update to 0
    b.write(0x3f); // then to 4096 (31 + 4065, RFC 7541 5.1)
    b.write(0xe1);
    b.write(0x1f);
    b.write(0x82); // indexed: :method GET
    b.write(0x86); // indexed: :scheme http
    b.write(0x44); // literal with incremental indexing, indexed name :path
    H2Frames.string(b, "/");
    b.write(0x01); // literal without indexing, indexed name :authority
    H2Frames.string(b, HOST);
    b.write(0x10); // literal never indexed, new name
    H2Frames.string(b, "x-never");
    H2Frames.string(b, "secret");
    H2Frames.integer(b, 0x10, 4, 58); // literal never indexed, indexed name user-agent
    H2Frames.string(b, "h2spec");
    b.write(0x40); // literal with incremental indexing, new name
    H2Frames.string(b, "x-indexed");
    H2Frames.string(b, "kept");
    c.send(headers(1, END_STREAM | END_HEADERS, b.toByteArray()));
    assertThat(c.awaitResponse(1).status()).isEqualTo(200);
    // the entries indexed by the first request, referred to by the second: 62 is x-indexed
    ByteArrayOutputStream b2 = new ByteArrayOutputStream();
    b2.writeBytes(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0xbf});
    b2.write(0x01);
    H2Frames.string(b2, HOST);
    b2.write(0xbe);
    c.send(headers(3, END_STREAM | END_HEADERS, b2.toByteArray()));
    assertThat(c.awaitResponse(3).status()).isEqualTo(200);
    assertThat(backend.seen().get(backend.seen().size() - 1).header("x-indexed")).isEqualTo("kept");
    // Netty's encoder: Huffman coding and the dynamic table, over several requests
    DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    for (int stream = 5; stream <= 9; stream += 2) {
      Http2Headers h =
          new DefaultHttp2Headers()
              .method("GET")
              .scheme("http")
              .path("/huffman")
              .authority(HOST)
              .add("x-some-header", "some value that Huffman coding shortens");
      ByteBuf out = Unpooled.buffer();
      try {
        encoder.encodeHeaders(stream, h, out);
        c.send(headers(stream, END_STREAM | END_HEADERS, ByteBufUtil.getBytes(out)));
      } finally {
        out.release();
      }
      assertThat(c.awaitResponse(stream).text()).isEqualTo("seen:GET /huffman");
      assertThat(backend.seen().get(backend.seen().size() - 1).header("x-some-header"))
          .isEqualTo("some value that Huffman coding shortens");
    }
  }

  // --- hpack: decoding errors are connection errors of type COMPRESSION_ERROR ---

  void assertCompressionError(byte[] blockBytes) throws IOException {
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM | END_HEADERS, blockBytes));
    c.expectConnectionError(COMPRESSION_ERROR);
  }

  @Test
  void h2spec_hpack_2_3_3_1_anIndexPastBothTablesIsACompressionError() throws IOException {
    assertCompressionError(concat(block(common()), new byte[] {(byte) 0xbe})); // index 62
  }

  @Test
  void h2spec_hpack_2_3_3_2_aLiteralsNameIndexPastBothTablesIsACompressionError()
      throws IOException {
    assertCompressionError(concat(block(common()), new byte[] {0x7f, 0x11, 0x00})); // index 80
  }

  @Test
  void h2spec_hpack_4_2_1_aTableSizeUpdateAfterAFieldIsACompressionError() throws IOException {
    assertCompressionError(concat(block(common()), new byte[] {0x20}));
  }

  @Test
  void h2spec_hpack_5_2_1_huffmanPaddingOverSevenBitsIsACompressionError() throws IOException {
    // "a" is 00011 in Huffman code; eleven bits of padding follow it
    assertCompressionError(
        concat(block(common()), new byte[] {0x00, 0x01, 'x', (byte) 0x82, 0x1f, (byte) 0xff}));
  }

  @Test
  void h2spec_hpack_5_2_2_huffmanPaddingNotOfOnesIsACompressionError() throws IOException {
    assertCompressionError(
        concat(block(common()), new byte[] {0x00, 0x01, 'x', (byte) 0x81, 0x18}));
  }

  @Test
  void h2spec_hpack_5_2_3_theEosSymbolInAHuffmanStringIsACompressionError() throws IOException {
    // "a", then EOS (thirty 1 bits), then five bits of padding
    assertCompressionError(
        concat(
            block(common()),
            new byte[] {
              0x00, 0x01, 'x', (byte) 0x85, 0x1f, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff
            }));
  }

  @Test
  void h2spec_hpack_6_1_1_indexZeroIsACompressionError() throws IOException {
    assertCompressionError(concat(block(common()), new byte[] {(byte) 0x80}));
  }

  @Test
  void h2spec_hpack_6_3_1_aTableSizeUpdateOverTheSettingIsACompressionError() throws IOException {
    // 4097: 31 + 4066 (RFC 7541 5.1), over the 4096 of SETTINGS_HEADER_TABLE_SIZE
    assertCompressionError(concat(new byte[] {0x3f, (byte) 0xe2, 0x1f}, block(common())));
  }

  // --- Upgrade: h2c ---

  /**
   * A connection upgraded from HTTP/1.1 follows the same rules: the upgrade request is stream 1,
   * which the client ended; a malformed request is reset; a good one is served.
   */
  @Test
  void anUpgradedConnectionFollowsTheSameRules() throws IOException {
    H2FrameClient c = H2FrameClient.upgrade(port, HOST);
    clients.add(c);
    assertThat(c.awaitResponse(1).text()).isEqualTo("seen:GET /");
    c.send(headers(3, END_STREAM | END_HEADERS, block(without(common(), ":method"))));
    c.expectStreamError(3, PROTOCOL_ERROR);
    c.send(get(5));
    assertThat(c.awaitResponse(5).status()).isEqualTo(200);
    c.send(get(1));
    c.expectConnectionError(STREAM_CLOSED);
  }

  // --- malformed requests beyond h2spec ---

  @Test
  void aConnectWithOnlyAnAuthorityIsWellFormedAndAnswered405() throws IOException {
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM | END_HEADERS, block(":method", "CONNECT", ":authority", HOST)));
    assertThat(c.awaitResponse(1).status()).isEqualTo(405);
    c.expectAlive();
  }

  @Test
  void aConnectWithoutAnAuthorityIsMalformed() throws IOException {
    assertMalformed(":method", "CONNECT", ":scheme", "http", ":path", "/");
  }

  @Test
  void aConnectWithASchemeOrPathIsMalformed() throws IOException {
    assertMalformed(":method", "CONNECT", ":authority", HOST, ":path", "/");
  }

  @Test
  void anExtendedConnectProtocolNotOfferedIsMalformed() throws IOException {
    assertMalformed(with(request("CONNECT", HOST, "/"), ":protocol", "websocket"));
  }

  @Test
  void aFieldValueWithCrLfOrNulIsMalformed() throws IOException {
    assertMalformed(with(common(), "x-test", "a\r\nx-injected: 1"));
    assertMalformed(with(common(), "x-test", "a\nb"));
    assertMalformed(with(common(), "x-test", "a\0b"));
  }

  @Test
  void aFieldValueWithLeadingOrTrailingWhitespaceIsMalformed() throws IOException {
    assertMalformed(with(common(), "x-test", " a"));
    assertMalformed(with(common(), "x-test", "a\t"));
  }

  @Test
  void aPathNotInOriginFormIsMalformed() throws IOException {
    assertMalformed(request("GET", HOST, "http://other.default.localhost/"));
    assertMalformed(request("GET", HOST, "*"));
  }

  @Test
  void anOptionsRequestForTheServerAsAWholeIsServed() throws IOException {
    H2FrameClient c = client();
    c.send(headers(1, END_STREAM | END_HEADERS, block(request("OPTIONS", HOST, "*"))));
    assertThat(c.awaitResponse(1).text()).isEqualTo("seen:OPTIONS *");
  }

  @Test
  void anAuthorityWithUserinfoIsMalformed() throws IOException {
    assertMalformed(request("GET", "user@" + HOST, "/"));
  }

  @Test
  void twoContentLengthsThatDifferAreMalformed() throws IOException {
    assertMalformedBody(
        headers(
            1,
            END_HEADERS,
            block(request("POST", HOST, "/", "content-length", "4", "content-length", "5"))),
        data(1, true, "test"));
  }

  /**
   * A malformed request's stream is reset and freed at once: half again as many as the concurrency
   * limit on one connection (in batches, as a client that reads its answers sends them), then a
   * good request on the same connection is served.
   */
  @Test
  void malformedRequestsInNumbersAreEachResetAndFreed() throws IOException {
    H2FrameClient c = client();
    byte[] noMethod = block(without(common(), ":method"));
    int batch = 500;
    int n = 3 * batch;
    for (int from = 0; from < n; from += batch) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int i = from; i < from + batch; i++) {
        all.writeBytes(headers(2 * i + 1, END_STREAM | END_HEADERS, noMethod));
      }
      c.send(all.toByteArray());
      for (int i = from; i < from + batch; i++) {
        c.expectStreamError(2 * i + 1, PROTOCOL_ERROR);
      }
    }
    c.send(get(2 * n + 1));
    assertThat(c.awaitResponse(2 * n + 1).status()).isEqualTo(200);
  }

  // --- protections kept on purpose: each must end the connection ---

  static final byte[] CANARY = "canary!!".getBytes(StandardCharsets.US_ASCII);

  /**
   * Many streams each opened and reset at once by the client (rapid reset, CVE-2023-44487): the
   * connection is ended with ENHANCE_YOUR_CALM before the PING sent after them is answered.
   */
  @Test
  void rapidResetEndsTheConnection() throws IOException {
    H2FrameClient c = client();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] unrouted = block(request("GET", UNROUTED, "/"));
    for (int i = 0; i < 2000; i++) {
      all.writeBytes(headers(2 * i + 1, END_HEADERS, unrouted));
      all.writeBytes(rstStream(2 * i + 1, H2Frames.CANCEL));
    }
    all.writeBytes(H2Frames.ping(false, CANARY));
    sendTolerantly(c, all.toByteArray());
    assertEndedWith(c.awaitEndAfterFlood(CANARY), H2Frames.ENHANCE_YOUR_CALM);
  }

  /**
   * Many streams each reset by the gateway for an error the client provoked after the gateway had
   * begun to serve the request ("MadeYouReset", CVE-2025-8671; here a WINDOW_UPDATE of 0): the
   * connection is ended with ENHANCE_YOUR_CALM.
   */
  @Test
  void provokedResetsEndTheConnection() throws IOException {
    H2FrameClient c = client();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] unrouted = block(request("POST", UNROUTED, "/"));
    for (int i = 0; i < 1000; i++) {
      all.writeBytes(headers(2 * i + 1, END_HEADERS, unrouted));
      all.writeBytes(windowUpdate(2 * i + 1, 0));
    }
    all.writeBytes(H2Frames.ping(false, CANARY));
    sendTolerantly(c, all.toByteArray());
    assertEndedWith(c.awaitEndAfterFlood(CANARY), H2Frames.ENHANCE_YOUR_CALM);
  }

  /** The connection ended; if its GOAWAY was not lost to a reset, it had {@code code}. */
  static void assertEndedWith(Frame goaway, int code) {
    if (goaway != null) {
      assertThat(H2Frames.errorName(goaway.errorCode())).isEqualTo(H2Frames.errorName(code));
    }
  }

  /**
   * A header block that never ends, in large CONTINUATION frames (CVE-2024-27316 and kin): the
   * connection is ended once the block is over 1.25 times the header list limit.
   */
  @Test
  void aContinuationFloodEndsTheConnection() throws IOException {
    H2FrameClient c = client();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(headers(1, END_STREAM, block(common())));
    byte[] fragment = block("x-flood", "x".repeat(16_000));
    for (int i = 0; i < 200; i++) { // 3.2 MB, far over the header list limit
      all.writeBytes(continuation(1, 0, fragment));
    }
    sendTolerantly(c, all.toByteArray());
    assertEndedWith(c.awaitEndAfterFlood(CANARY), PROTOCOL_ERROR);
  }

  /** A header block that never ends, in many empty CONTINUATION frames: the connection is ended. */
  @Test
  void aFloodOfSmallContinuationFramesEndsTheConnection() throws IOException {
    H2FrameClient c = client();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(headers(1, END_STREAM, block(common())));
    for (int i = 0; i < 10_000; i++) {
      all.writeBytes(continuation(1, 0, new byte[0]));
    }
    sendTolerantly(c, all.toByteArray());
    assertEndedWith(c.awaitEndAfterFlood(CANARY), H2Frames.ENHANCE_YOUR_CALM);
  }

  /**
   * PINGs sent without reading their acknowledgements: the acknowledgements queue up in the gateway
   * until it ends the connection, before answering them all.
   */
  @Test
  void aPingFloodEndsTheConnection() throws IOException {
    assertControlFloodEndsTheConnection(H2Frames.ping(false, new byte[8]), PING, 17);
  }

  /** The same with SETTINGS frames, each of which the gateway must acknowledge. */
  @Test
  void aSettingsFloodEndsTheConnection() throws IOException {
    assertControlFloodEndsTheConnection(settings(), SETTINGS, 9);
  }

  /**
   * Sends frames that each call for an acknowledgement of {@code ackSize} bytes, enough of them for
   * the acknowledgements to fill the socket buffers (loopback's grow to 4 MB a side) many times
   * over, reading nothing meanwhile.
   */
  private void assertControlFloodEndsTheConnection(byte[] oneFrame, int ackType, int ackSize)
      throws IOException {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(4096); // the acknowledgements back up in the gateway, not here
      s.setSoTimeout((int) H2FrameClient.WAIT.toMillis());
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
      int n = (16 * 1024 * 1024 / ackSize) / 10_000 * 10_000;
      byte[] batch = new byte[oneFrame.length * 10_000];
      for (int i = 0; i < 10_000; i++) {
        System.arraycopy(oneFrame, 0, batch, i * oneFrame.length, oneFrame.length);
      }
      java.io.OutputStream out = s.getOutputStream();
      boolean cut = false;
      try {
        out.write(H2Frames.PREFACE);
        out.write(settings());
        out.write(H2Frames.settingsAck());
        for (int i = 0; i < n / 10_000; i++) {
          out.write(batch);
        }
        out.flush();
      } catch (IOException e) {
        cut = true; // the gateway closed the connection while we were still writing
      }
      // read what the gateway wrote until it closed: fewer acknowledgements than frames sent
      int acks = 0;
      boolean goawayNotNoError = false;
      java.io.DataInputStream in =
          new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
      try {
        Frame f;
        while ((f = H2Frames.read(in)) != null) {
          if (f.type() == ackType && f.has(H2Frames.ACK)) {
            acks++;
          }
          if (f.type() == GOAWAY && f.errorCode() != H2Frames.NO_ERROR) {
            goawayNotNoError = true;
          }
          assertThat(acks).as("every frame answered: no flood protection").isLessThan(n);
        }
      } catch (java.io.EOFException | java.net.SocketException e) {
        cut = true;
      }
      assertThat(cut || goawayNotNoError || acks < n).isTrue();
      assertThat(acks).isLessThan(n);
    }
  }

  /** Writes what the gateway may stop reading half-way (it ends the connection): no error then. */
  static void sendTolerantly(H2FrameClient c, byte[] bytes) {
    try {
      c.send(bytes);
    } catch (IOException e) {
      // the gateway ended the connection before reading it all
    }
  }

  static String drain(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
