package dev.pilotlight.activator;

import static dev.pilotlight.activator.H2Frames.CONTINUATION;
import static dev.pilotlight.activator.H2Frames.DATA;
import static dev.pilotlight.activator.H2Frames.END_HEADERS;
import static dev.pilotlight.activator.H2Frames.END_STREAM;
import static dev.pilotlight.activator.H2Frames.GOAWAY;
import static dev.pilotlight.activator.H2Frames.HEADERS;
import static dev.pilotlight.activator.H2Frames.PADDED;
import static dev.pilotlight.activator.H2Frames.PING;
import static dev.pilotlight.activator.H2Frames.PRIORITY_FLAG;
import static dev.pilotlight.activator.H2Frames.RST_STREAM;
import static dev.pilotlight.activator.H2Frames.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.H2Frames.Frame;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A client that writes raw HTTP/2 frames to a real socket and reads the server's frames back, for
 * conformance tests: it does what a test says and nothing else (no flow control of its own, no
 * automatic answers but the SETTINGS acknowledgement of the handshake), decodes the server's header
 * blocks (HPACK with the server's dynamic table), and waits on conditions with a deadline.
 */
final class H2FrameClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(10);

  /** A response read off a stream: its status, header fields and body. */
  record Response(int status, Http2Headers headers, byte[] body, Http2Headers trailers) {
    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
  private final Map<Frame, Http2Headers> decoded = new IdentityHashMap<>();
  private final List<Frame> log = new ArrayList<>();
  private final java.util.ArrayDeque<Frame> pending = new java.util.ArrayDeque<>();
  private Frame openBlock; // a HEADERS frame whose block continues
  private ByteArrayOutputStream blockBytes;
  private long pings;
  private boolean closed;

  H2FrameClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) WAIT.toMillis());
    socket.setTcpNoDelay(true);
    in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    out = socket.getOutputStream();
  }

  /** A connection with the preface and the handshake done (our settings: {@code settings}). */
  static H2FrameClient open(int port, long... settings) throws IOException {
    H2FrameClient c = new H2FrameClient(port);
    c.handshake(settings);
    return c;
  }

  /**
   * A connection upgraded from HTTP/1.1 ({@code GET /} with {@code Upgrade: h2c}, RFC 7540 3.2):
   * after the 101, the preface and the handshake; the response to the upgrade request comes on
   * stream 1.
   */
  static H2FrameClient upgrade(int port, String host) throws IOException {
    H2FrameClient c = new H2FrameClient(port);
    c.out.write(
        ("GET / HTTP/1.1\r\nHost: "
                + host
                + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    c.out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = c.in.read();
      assertThat(b).as("the end of the 101's head").isNotNegative();
      head.write(b);
    }
    assertThat(head.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
        .startsWith("HTTP/1.1 101 ");
    c.handshake();
    return c;
  }

  /**
   * Sends the preface and a SETTINGS frame, then reads until the server's SETTINGS (acknowledged)
   * and the acknowledgement of ours.
   */
  void handshake(long... settings) throws IOException {
    send(H2Frames.PREFACE, H2Frames.settings(settings));
    boolean theirs = false;
    boolean ours = false;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!(theirs && ours)) {
      Frame f = readBefore(deadline, "the SETTINGS exchange");
      assertThat(f)
          .as("the connection closed during the handshake; frames: %s", tail())
          .isNotNull();
      if (f.type() == SETTINGS) {
        if (f.has(H2Frames.ACK)) {
          ours = true;
        } else {
          theirs = true;
          send(H2Frames.settingsAck());
        }
      } else {
        pending.add(f); // after an upgrade, the response may come first: read it again next
      }
    }
  }

  /** Writes the frames in one write: the server reads them all before it may close. */
  void send(byte[]... frames) throws IOException {
    out.write(H2Frames.concat(frames));
    out.flush();
  }

  /**
   * After a flood that the server must end the connection for: reads until the connection ends
   * (closed, or reset with what it had not read) and returns the GOAWAY that came before, if one
   * did (a reset may take it). Fails if the PING with {@code canary}, sent last, is answered: the
   * server read the whole flood and went on.
   */
  Frame awaitEndAfterFlood(byte[] canary) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Frame goaway = null;
    Frame f;
    while ((f = nextBefore(deadline, "the connection's end")) != null) {
      if (f.type() == GOAWAY && goaway == null) {
        goaway = f;
      }
      assertThat(f.type() == PING && java.util.Arrays.equals(f.payload(), canary))
          .as("the PING after the flood was answered: the connection survived it")
          .isFalse();
    }
    return goaway;
  }

  /** The frames read so far (of a flood, the first 10,000 and the last). */
  List<Frame> log() {
    return List.copyOf(log);
  }

  /** The last frames read, for messages. */
  String tail() {
    int n = log.size();
    return (n > 24 ? "[... " + (n - 24) + " frames, then " : "[")
        + log.subList(Math.max(0, n - 24), n).toString().substring(1);
  }

  /** The decoded header block of a HEADERS frame read from this connection. */
  Http2Headers headersOf(Frame headers) {
    return decoded.get(headers);
  }

  /**
   * The next frame, or null once the connection is closed (or reset); fails when nothing comes
   * within {@link #WAIT}.
   */
  Frame next() throws IOException {
    return nextBefore(System.nanoTime() + WAIT.toNanos(), "a frame");
  }

  private Frame nextBefore(long deadline, String what) throws IOException {
    if (!pending.isEmpty()) {
      return pending.poll();
    }
    return readBefore(deadline, what);
  }

  private Frame readBefore(long deadline, String what) throws IOException {
    if (closed) {
      return null;
    }
    long left = deadline - System.nanoTime();
    assertThat(left).as("waited %s for %s; frames: %s", WAIT, what, tail()).isPositive();
    socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
    Frame f;
    try {
      f = H2Frames.read(in);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("waited " + WAIT + " for " + what + "; frames: " + tail(), e);
    } catch (EOFException | SocketException e) {
      f = null; // cut short or reset: closed either way
    }
    if (f == null) {
      closed = true;
      return null;
    }
    if (log.size() == 20_000) {
      log.subList(0, 10_000).clear(); // a flood: the first and the last frames are kept
    }
    log.add(f);
    decode(f);
    return f;
  }

  private void decode(Frame f) {
    if (f.type() == HEADERS) {
      byte[] p = f.payload();
      int from = 0;
      int pad = 0;
      if (f.has(PADDED)) {
        pad = p[0] & 0xff;
        from = 1;
      }
      if (f.has(PRIORITY_FLAG)) {
        from += 5;
      }
      openBlock = f;
      blockBytes = new ByteArrayOutputStream();
      blockBytes.write(p, from, p.length - from - pad);
    } else if (f.type() == CONTINUATION && openBlock != null) {
      blockBytes.writeBytes(f.payload());
    } else {
      return;
    }
    if (f.has(END_HEADERS)) {
      try {
        decoded.put(
            openBlock,
            hpack.decodeHeaders(
                openBlock.streamId(), Unpooled.wrappedBuffer(blockBytes.toByteArray())));
      } catch (Http2Exception e) {
        throw new AssertionError("the server's header block does not decode", e);
      }
      openBlock = null;
    }
  }

  /** Reads until a frame {@code match}es and returns it; null if the connection closed first. */
  Frame await(String what, Predicate<Frame> match) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Frame f;
    while ((f = nextBefore(deadline, what)) != null) {
      if (match.test(f)) {
        return f;
      }
    }
    return null;
  }

  /**
   * A stream error: reads until the RST_STREAM on {@code streamId} and asserts its code; a response
   * on that stream, a GOAWAY or the end of the connection before it fail.
   */
  void expectStreamError(int streamId, int code) throws IOException {
    Frame f =
        await(
            "RST_STREAM on stream " + streamId,
            x ->
                x.type() == GOAWAY
                    || (x.streamId() == streamId
                        && (x.type() == RST_STREAM || x.type() == HEADERS || x.type() == DATA)));
    assertThat(f)
        .as("expected RST_STREAM(%s) on stream %d; frames: %s", name(code), streamId, tail())
        .isNotNull()
        .matches(x -> x.type() == RST_STREAM, "is a RST_STREAM");
    assertThat(H2Frames.errorName(f.errorCode()))
        .as("RST_STREAM's code; frames: %s", tail())
        .isEqualTo(name(code));
  }

  /**
   * A connection error: reads until the GOAWAY, asserts its code, then that the server closes the
   * connection.
   */
  void expectConnectionError(int code) throws IOException {
    Frame f = await("GOAWAY", x -> x.type() == GOAWAY);
    assertThat(f).as("expected GOAWAY(%s); frames: %s", name(code), tail()).isNotNull();
    assertThat(H2Frames.errorName(f.errorCode()))
        .as("GOAWAY's code; frames: %s", tail())
        .isEqualTo(name(code));
    expectClosed();
  }

  /** Reads (and drops) frames until the server closes the connection. */
  void expectClosed() throws IOException {
    assertThat(await("the connection to close", x -> false))
        .as("the connection stays open; frames: %s", tail())
        .isNull();
    assertThat(closed).isTrue();
  }

  /**
   * Sends a PING and reads until its acknowledgement: the connection is alive and has read all that
   * was sent before. Returns the frames read meanwhile.
   */
  List<Frame> pingPong() throws IOException {
    byte[] opaque = ByteBuffer.allocate(8).putLong(0x7e57_0000_0000_0000L | ++pings).array();
    send(H2Frames.ping(false, opaque));
    List<Frame> before = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      Frame f = nextBefore(deadline, "the PING's acknowledgement");
      assertThat(f).as("closed before the PING's acknowledgement; frames: %s", tail()).isNotNull();
      if (f.type() == PING && f.has(H2Frames.ACK) && java.util.Arrays.equals(f.payload(), opaque)) {
        return before;
      }
      assertThat(f.type()).as("a GOAWAY before the PING's acknowledgement").isNotEqualTo(GOAWAY);
      before.add(f);
    }
  }

  /** {@link #pingPong}, asserting that no RST_STREAM or GOAWAY came before the acknowledgement. */
  void expectAlive() throws IOException {
    assertThat(pingPong())
        .as("frames before the PING's acknowledgement")
        .noneMatch(x -> x.type() == RST_STREAM || x.type() == GOAWAY);
  }

  /**
   * Reads a whole response on {@code streamId} (headers, body, trailers) up to its END_STREAM; a
   * RST_STREAM on it, a GOAWAY or the end of the connection before that fail.
   */
  Response awaitResponse(int streamId) throws IOException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Http2Headers head = null;
    Http2Headers trailers = null;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      Frame f = nextBefore(deadline, "the response on stream " + streamId);
      assertThat(f)
          .as("closed before the response on %d; frames: %s", streamId, tail())
          .isNotNull();
      assertThat(f.type())
          .as("a GOAWAY before the response on %d; frames: %s", streamId, tail())
          .isNotEqualTo(GOAWAY);
      if (f.streamId() != streamId) {
        continue;
      }
      assertThat(f.type())
          .as("the response on %d was reset; frames: %s", streamId, tail())
          .isNotEqualTo(RST_STREAM);
      if (f.type() == HEADERS) {
        // a HEADERS frame's block is decoded once it is whole; the gateway sends no CONTINUATION
        Http2Headers h = decoded.get(f);
        assertThat(h).as("a whole header block").isNotNull();
        if (head == null) {
          if (h.status() != null && h.status().charAt(0) == '1') {
            continue; // an interim response
          }
          head = h;
        } else {
          trailers = h;
        }
      } else if (f.type() == DATA) {
        byte[] p = f.payload();
        int from = 0;
        int pad = 0;
        if (f.has(PADDED)) {
          pad = p[0] & 0xff;
          from = 1;
        }
        body.write(p, from, p.length - from - pad);
      }
      if ((f.type() == HEADERS || f.type() == DATA) && f.has(END_STREAM)) {
        assertThat(head).as("a response head on %d; frames: %s", streamId, tail()).isNotNull();
        return new Response(
            Integer.parseInt(head.status().toString()), head, body.toByteArray(), trailers);
      }
    }
  }

  private static String name(int code) {
    return H2Frames.errorName(code);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
