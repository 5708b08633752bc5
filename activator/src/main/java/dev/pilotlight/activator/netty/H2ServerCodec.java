package dev.pilotlight.activator.netty;

import static io.netty.handler.codec.http2.Http2Error.ENHANCE_YOUR_CALM;
import static io.netty.handler.codec.http2.Http2Error.PROTOCOL_ERROR;
import static io.netty.handler.codec.http2.Http2Error.STREAM_CLOSED;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.logging.LogLevel;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The frame codec of an HTTP/2 connection from a client: Netty's {@link Http2FrameCodec} with what
 * RFC 9113 asks of a server and Netty leaves to its user.
 *
 * <p>A request head the gateway will not forward is malformed (RFC 9113 8.1.1) and its stream is
 * reset with PROTOCOL_ERROR before any handler sees it ({@link RequestRules}): Netty checks the
 * pseudo-header fields' presence, order, names and duplicates, connection-specific fields, {@code
 * te}, upper case and {@code content-length}; the rules here add field values with NUL, CR or LF or
 * with whitespace at either end (RFC 9113 8.2.1), field names with characters HTTP/1.1 cannot
 * carry, a {@code :method} that is no token, a {@code :path} not in origin form (or {@code *} for
 * OPTIONS), an {@code :authority} with userinfo or blanks, {@code :protocol} (extended CONNECT is
 * not offered) and a CONNECT with {@code :scheme} or {@code :path}.
 *
 * <p>A HEADERS or DATA frame on a stream that is not open is a stream error STREAM_CLOSED to Netty,
 * whatever became of the stream. RFC 9113 5.1 tells the cases apart, and so does this codec for the
 * client's last {@value #HISTORY} streams ({@link StreamHistory}): after the client ended the
 * stream it is a connection error STREAM_CLOSED (a HEADERS frame on a stream still half-closed, a
 * stream error STREAM_CLOSED); on a stream identifier the client skipped (lower than one it opened
 * since) a connection error PROTOCOL_ERROR (5.1.1); after the gateway reset the stream it is
 * ignored, as the client may have sent it before it saw the reset; after the client reset it, or on
 * a stream older than the history, it stays a stream error.
 *
 * <p>Requests the gateway accepted and then reset for an error (a code other than CANCEL or
 * NO_ERROR) are limited to {@value #MAX_RESETS} in {@value #RESET_WINDOW_SECONDS} s, then the
 * connection is ended with ENHANCE_YOUR_CALM, as Netty does for a server: a client provoking resets
 * of requests the gateway has begun to serve makes instances work for nothing. Netty counts every
 * such reset; here a request refused for its malformed head, or over the concurrency limit, is not
 * counted, as nothing was done for it.
 */
final class H2ServerCodec extends Http2FrameCodec {
  /** Streams whose fate the codec remembers, per connection (an int and a byte each). */
  static final int HISTORY = 128;

  /** Streams reset for an error that the client may make in a window, as Netty's default. */
  static final int MAX_RESETS = 200;

  static final int RESET_WINDOW_SECONDS = 30;

  private final StreamHistory history = new StreamHistory(HISTORY);
  private final HeadersInProgress headersInProgress;
  private final Http2Connection.PropertyKey headAccepted;
  private long resetWindowStart;
  private int resetsInWindow;
  private boolean calmed;

  private H2ServerCodec(
      Http2ConnectionEncoder encoder,
      Http2ConnectionDecoder decoder,
      Http2Settings initialSettings,
      boolean decoupleCloseAndGoAway,
      boolean flushPreface,
      HeadersInProgress headersInProgress) {
    super(encoder, decoder, initialSettings, decoupleCloseAndGoAway, flushPreface);
    this.headersInProgress = headersInProgress;
    this.headAccepted = connection().newKey();
    decoder.frameListener(
        new RequestRules(decoder.frameListener(), connection(), headAccepted, history) {
          @Override
          void headersReached() {
            headersInProgress.streamId = 0;
          }
        });
    connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamAdded(Http2Stream stream) {
                // a stream opened by a HEADERS frame with END_STREAM, or by an Upgrade: h2c request
                history.opened(stream.id(), stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE);
              }

              @Override
              public void onStreamClosed(Http2Stream stream) {
                if (stream.isResetSent()) {
                  history.resetByUs(stream.id());
                }
              }
            });
  }

  /** A builder for a server's codec, as {@link Http2FrameCodecBuilder#forServer()}. */
  static Http2FrameCodecBuilder forServer() {
    return new Builder();
  }

  @Override
  public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
    int headersStream = headersInProgress.streamId;
    headersInProgress.streamId = 0;
    Http2Exception e = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
    if (!outbound && e instanceof Http2Exception.StreamException s) {
      Http2Stream stream = connection().stream(s.streamId());
      if (stream == null) {
        Http2Exception instead = onNotOpen(s);
        if (instead == IGNORE) {
          return;
        }
        if (instead != null) {
          super.onError(ctx, false, instead);
          return;
        }
      } else if (headersStream == s.streamId()
          && stream.getProperty(headAccepted) != null
          && stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE
          && s.error() != STREAM_CLOSED) {
        // a HEADERS frame after the request and its END_STREAM: Netty takes it for a second set of
        // trailers (PROTOCOL_ERROR), where RFC 9113 5.1 names the stream's state (STREAM_CLOSED)
        super.onError(
            ctx,
            false,
            Http2Exception.streamError(
                s.streamId(),
                STREAM_CLOSED,
                "HEADERS on stream %d, which the client ended",
                s.streamId()));
        return;
      }
    }
    super.onError(ctx, outbound, cause);
  }

  private static final Http2Exception IGNORE =
      Http2Exception.connectionError(Http2Error.NO_ERROR, "ignored");

  /**
   * A stream error on a stream that is not open (not yet, or no longer): the connection error RFC
   * 9113 5.1 names for it, {@link #IGNORE}, or null to keep the stream error.
   */
  private Http2Exception onNotOpen(Http2Exception.StreamException s) {
    int id = s.streamId();
    if (s.error() != STREAM_CLOSED) {
      // refused before it was opened (REFUSED_STREAM, a header block Netty refused): frames the
      // client sent on it meanwhile are its right, as on a stream reset
      history.refused(id);
      return null;
    }
    return switch (history.fate(id)) {
      case ENDED ->
          Http2Exception.connectionError(
              STREAM_CLOSED, "a frame on stream %d after the client ended it", id);
      case NEVER_OPENED ->
          Http2Exception.connectionError(
              PROTOCOL_ERROR, "stream %d was never opened and a higher one was since", id);
      case RESET_BY_US -> IGNORE;
      case RESET_BY_CLIENT, UNKNOWN -> null;
    };
  }

  @Override
  public ChannelFuture resetStream(
      ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
    boolean counted = countsAgainstTheLimit(streamId, errorCode);
    ChannelFuture f = super.resetStream(ctx, streamId, errorCode, promise);
    if (counted && !calmed && tooManyResets(System.nanoTime())) {
      calmed = true; // the connection ends: once is enough
      onError(
          ctx,
          true,
          Http2Exception.connectionError(
              ENHANCE_YOUR_CALM,
              "more than %d streams reset within %d s",
              MAX_RESETS,
              RESET_WINDOW_SECONDS));
      ctx.close();
    }
    return f;
  }

  /**
   * A reset for an error (not CANCEL or NO_ERROR, as Netty) of a request the gateway accepted and
   * began to serve; not one it refused (malformed, over the concurrency limit) or never knew.
   */
  private boolean countsAgainstTheLimit(int streamId, long errorCode) {
    if (errorCode == Http2Error.CANCEL.code() || errorCode == Http2Error.NO_ERROR.code()) {
      return false;
    }
    Http2Stream stream = connection().stream(streamId);
    return stream != null && stream.getProperty(headAccepted) != null;
  }

  private boolean tooManyResets(long now) {
    if (resetsInWindow == 0
        || now - resetWindowStart >= TimeUnit.SECONDS.toNanos(RESET_WINDOW_SECONDS)) {
      resetWindowStart = now;
      resetsInWindow = 1;
      return false;
    }
    return ++resetsInWindow > MAX_RESETS;
  }

  private static final class Builder extends Http2FrameCodecBuilder {
    private final HeadersInProgress headersInProgress = new HeadersInProgress();

    Builder() {
      server(true);
      gracefulShutdownTimeoutMillis(0);
      frameLogger(headersInProgress);
      encoderEnforceMaxRstFramesPerWindow(0, 0); // the codec counts resets itself
    }

    @Override
    protected Http2FrameCodec build(
        Http2ConnectionDecoder decoder,
        Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      H2ServerCodec codec =
          new H2ServerCodec(
              encoder,
              decoder,
              initialSettings,
              decoupleCloseAndGoAway(),
              flushPreface(),
              headersInProgress);
      codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
      return codec;
    }
  }

  /**
   * Notes the stream of the HEADERS frame the connection decoder is working on: Netty's frame
   * logger hook is the one place that sees a frame after the frame reader and before the decoder's
   * checks. Logs what Netty's frame logger logs, at TRACE, if that is enabled.
   */
  static final class HeadersInProgress extends Http2FrameLogger {
    int streamId;

    HeadersInProgress() {
      super(LogLevel.TRACE, H2ServerCodec.class);
    }

    @Override
    public void logHeaders(
        Direction direction,
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endStream) {
      if (direction == Direction.INBOUND) {
        this.streamId = streamId;
      }
      super.logHeaders(direction, ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void logHeaders(
        Direction direction,
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endStream) {
      if (direction == Direction.INBOUND) {
        this.streamId = streamId;
      }
      super.logHeaders(
          direction,
          ctx,
          streamId,
          headers,
          streamDependency,
          weight,
          exclusive,
          padding,
          endStream);
    }

    // any other frame on a stream: a HEADERS frame before it is done with, whatever became of it

    @Override
    public void logData(
        Direction direction,
        ChannelHandlerContext ctx,
        int streamId,
        ByteBuf data,
        int padding,
        boolean endStream) {
      this.streamId = 0;
      super.logData(direction, ctx, streamId, data, padding, endStream);
    }

    @Override
    public void logWindowsUpdate(
        Direction direction, ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {
      this.streamId = 0;
      super.logWindowsUpdate(direction, ctx, streamId, windowSizeIncrement);
    }

    @Override
    public void logRstStream(
        Direction direction, ChannelHandlerContext ctx, int streamId, long errorCode) {
      this.streamId = 0;
      super.logRstStream(direction, ctx, streamId, errorCode);
    }
  }

  /**
   * Between Netty's connection decoder and the frame codec's own listener: refuses a malformed
   * request head with a stream error PROTOCOL_ERROR (the stream is reset and nothing reaches the
   * stream's handlers), and notes the streams the client ends.
   */
  static class RequestRules extends Http2FrameListenerDecorator {
    private final Http2Connection connection;
    private final Http2Connection.PropertyKey headAccepted;
    private final StreamHistory history;

    RequestRules(
        Http2FrameListener listener,
        Http2Connection connection,
        Http2Connection.PropertyKey headAccepted,
        StreamHistory history) {
      super(listener);
      this.connection = connection;
      this.headAccepted = headAccepted;
      this.history = history;
    }

    /** A HEADERS frame passed the connection decoder's checks. */
    void headersReached() {}

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endOfStream)
        throws Http2Exception {
      check(streamId, headers, endOfStream);
      super.onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endOfStream)
        throws Http2Exception {
      check(streamId, headers, endOfStream);
      super.onHeadersRead(
          ctx, streamId, headers, streamDependency, weight, exclusive, padding, endOfStream);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
        throws Http2Exception {
      if (endOfStream) {
        history.ended(streamId);
      }
      return super.onDataRead(ctx, streamId, data, padding, endOfStream);
    }

    private void check(int streamId, Http2Headers headers, boolean endOfStream)
        throws Http2Exception {
      headersReached();
      if (endOfStream) {
        history.ended(streamId);
      }
      // the first header block is the request's head, any later one its trailers (Netty's own
      // marks count a stream opened with END_STREAM as having had its head already)
      Http2Stream stream = connection.stream(streamId);
      boolean trailers = stream == null || stream.getProperty(headAccepted) != null;
      String why = trailers ? malformedFields(headers) : malformedRequest(headers);
      if (why != null) {
        throw Http2Exception.streamError(
            streamId, PROTOCOL_ERROR, "malformed request on stream %d: %s", streamId, why);
      }
      if (!trailers) {
        stream.setProperty(headAccepted, Boolean.TRUE);
      }
    }
  }

  /**
   * Why a request head is malformed, or null. Netty has checked the pseudo-header fields' order,
   * names and duplicates and, for a request, that {@code :method} is there and {@code :scheme} and
   * a non-empty {@code :path} are unless it is a CONNECT, which must have an {@code :authority}.
   */
  static String malformedRequest(Http2Headers h) {
    if (h.contains(Http2Headers.PseudoHeaderName.PROTOCOL.value())) {
      return "':protocol' (extended CONNECT is not offered)";
    }
    CharSequence method = h.method();
    if (method == null || !isToken(method)) {
      return "':method' is not a token";
    }
    CharSequence path = h.path();
    if (HttpMethod.CONNECT.asciiName().contentEquals(method)) {
      if (path != null || h.scheme() != null) {
        return "a CONNECT request with ':scheme' or ':path'";
      }
    } else if (path == null
        || !(path.length() > 0 && path.charAt(0) == '/'
            || "*".contentEquals(path) && HttpMethod.OPTIONS.asciiName().contentEquals(method))) {
      return "':path' is not in origin form";
    }
    if (path != null && indexOfBlank(path) >= 0) {
      return "':path' has a blank or a control character";
    }
    CharSequence authority = h.authority();
    if (authority != null && (indexOfBlank(authority) >= 0 || indexOf(authority, '@') >= 0)) {
      return "':authority' has userinfo, a blank or a control character";
    }
    return malformedFields(h);
  }

  /**
   * Why a header block's fields are malformed, or null: a field name with a character RFC 9113
   * 8.2.1 excludes (Netty refuses upper case), a value with NUL, CR or LF, or starting or ending
   * with a blank.
   */
  static String malformedFields(Http2Headers h) {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iterator();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = it.next();
      CharSequence name = field.getKey();
      boolean pseudo = name.length() > 0 && name.charAt(0) == ':';
      for (int i = pseudo ? 1 : 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (!isTokenChar(c)) {
          return "field name '" + printable(name) + "'";
        }
      }
      CharSequence value = field.getValue();
      int n = value.length();
      if (n > 0 && (isBlank(value.charAt(0)) || isBlank(value.charAt(n - 1)))) {
        return "the value of '" + name + "' starts or ends with a blank";
      }
      for (int i = 0; i < n; i++) {
        char c = value.charAt(i);
        if (c == 0 || c == '\r' || c == '\n') {
          return "the value of '" + name + "' has NUL, CR or LF";
        }
      }
    }
    return null;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** The index of the first SP, control character or DEL, or -1. */
  private static int indexOfBlank(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(CharSequence s, char c) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isToken(CharSequence s) {
    if (s.length() == 0) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!isTokenChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 5.6.2 tchar. */
  private static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static String printable(CharSequence s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(c > 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return b.toString();
  }

  /**
   * What became of a connection's most recent client streams, in a ring of fixed size: each
   * stream's identifier as it was opened (or refused), whether the client ended it and whether the
   * gateway reset it. Client stream identifiers only grow, so the ring is sorted, and an identifier
   * between the oldest kept and the newest that is not in it was never used by the client.
   */
  static final class StreamHistory {
    enum Fate {
      /** The client ended the stream (END_STREAM). */
      ENDED,
      /** The gateway reset it (or refused it) before the client ended it. */
      RESET_BY_US,
      /** Opened, and closed by the client's reset. */
      RESET_BY_CLIENT,
      /** Skipped: lower than a stream the client opened since, and never opened itself. */
      NEVER_OPENED,
      /** Older than what is kept. */
      UNKNOWN
    }

    private static final byte ENDED = 1;
    private static final byte RESET = 2;

    private final int[] ids;
    private final byte[] marks;
    private int head;
    private int size;
    private int floor; // identifiers up to this one are forgotten

    StreamHistory(int capacity) {
      ids = new int[capacity];
      marks = new byte[capacity];
    }

    void opened(int id, boolean endedAlready) {
      add(id, endedAlready ? ENDED : 0);
    }

    void refused(int id) {
      add(id, RESET);
    }

    private void add(int id, byte mark) {
      if (size > 0 && id <= ids[slot(size - 1)]) {
        return; // known already
      }
      if (size == ids.length) {
        floor = ids[head];
        head = (head + 1) % ids.length;
        size--;
      }
      int s = slot(size);
      ids[s] = id;
      marks[s] = mark;
      size++;
    }

    void ended(int id) {
      mark(id, ENDED);
    }

    void resetByUs(int id) {
      mark(id, RESET);
    }

    private void mark(int id, byte mark) {
      int i = find(id);
      if (i >= 0) {
        marks[slot(i)] |= mark;
      }
    }

    Fate fate(int id) {
      int i = find(id);
      if (i >= 0) {
        byte m = marks[slot(i)];
        return (m & ENDED) != 0
            ? Fate.ENDED
            : (m & RESET) != 0 ? Fate.RESET_BY_US : Fate.RESET_BY_CLIENT;
      }
      if (size > 0 && id > floor && id < ids[slot(size - 1)]) {
        return Fate.NEVER_OPENED;
      }
      return Fate.UNKNOWN;
    }

    private int slot(int i) {
      return (head + i) % ids.length;
    }

    /** The position (0 oldest) of {@code id}, or -1. */
    private int find(int id) {
      int lo = 0;
      int hi = size - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int v = ids[slot(mid)];
        if (v < id) {
          lo = mid + 1;
        } else if (v > id) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -1;
    }
  }
}
