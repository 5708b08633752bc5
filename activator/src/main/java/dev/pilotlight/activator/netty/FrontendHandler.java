package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.http1.BodyPart;
import dev.pilotlight.activator.http1.HeaderKind;
import dev.pilotlight.activator.http1.RequestHead;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The client side of the proxy, last in a client connection's pipeline (the pass-through decoder or
 * the server codec, then a flow control handler that hands over one decoded message per {@code
 * read()}). A request comes as a {@link RequestHead} and {@link BodyPart}s on the pass-through
 * path, as an {@link HttpRequest} and {@link HttpContent}s from the codec; the exchange is the
 * same. Auto-read is off: this handler reads a request head, routes it and starts its {@link
 * ProxyExchange}, which then pulls the body one chunk per completed upstream write (so a held
 * request's body stays in the client's socket). The next request is read only when the current
 * exchange is over, so pipelined requests are answered in order. A request refused here gets its
 * status at once; the rest of its body is read and dropped (up to {@value #DISCARD_LIMIT} bytes,
 * else the connection is closed).
 *
 * <p>On HTTP/2 this handler sits on a stream channel ({@link H2Frontend}): the stream carries one
 * request, "the connection" above is the stream, and closing it resets that stream only.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {
  /** Request body bytes read and dropped after an early refusal before closing instead. */
  static final int DISCARD_LIMIT = 64 * 1024;

  private final GatewayContext gw;
  private ChannelHandlerContext ctx;
  private ProxyExchange current;
  private boolean discarding;
  private long discarded;
  private boolean responding;
  private boolean keepAlive;
  private boolean closeAfterResponse;
  private Headers.ClientAddress clientAddress;
  private ClientTimeoutHandler timeouts;
  private final RawHeads.ForwardingCache forwardingCache = new RawHeads.ForwardingCache();
  private UpstreamConnector connector;
  private ExchangeDeadlines.Timer deadlineTimer;
  private ChannelHandlerContext decoderContext; // the pass-through decoder's, looked up once

  public FrontendHandler(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.timeouts = ctx.pipeline().get(ClientTimeoutHandler.class);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // the connection joined the gateway's connections in GatewayInitializer; on HTTP/2 this is a
    // stream of it
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof RequestHead head) {
      onRequest(head);
      return;
    }
    if (msg instanceof BodyPart part) {
      if (part.last()) {
        requestComplete();
      }
      if (current != null) {
        current.onRequestContent(part, part.last());
      } else if (discarding) {
        discard(part.content().readableBytes(), part.last(), false);
        part.release();
      } else {
        part.release();
      }
      return;
    }
    if (msg == Http1RequestDecoder.MALFORMED_BODY) {
      bodyMalformed();
      return;
    }
    if (msg == Http1RequestDecoder.FALLBACK) {
      // every earlier exchange is done: the codec takes the connection from this request on
      GatewayInitializer.useCodec(ctx.pipeline(), gw);
      if (!ctx.isRemoved()) {
        ctx.read();
      }
      return;
    }
    if (msg instanceof HttpRequest request) {
      onRequest(request);
      if (!(msg instanceof HttpContent)) {
        return; // a head; a full request is the codec's answer to a malformed one
      }
    }
    if (msg instanceof HttpContent content) {
      if (content instanceof LastHttpContent && content.decoderResult().isSuccess()) {
        requestComplete();
      }
      if (current != null && content.decoderResult().isFailure()) {
        content.release(); // a truncated body must not reach the instance as a complete one
        bodyMalformed();
        return;
      }
      if (current != null) {
        current.onRequestContent(content, content instanceof LastHttpContent);
        return;
      }
      if (discarding) {
        discard(
            content.content().readableBytes(),
            content instanceof LastHttpContent,
            content.decoderResult().isFailure());
        content.release();
        return;
      }
    }
    ReferenceCountUtil.release(msg);
  }

  private void onRequest(HttpRequest request) {
    if (timeouts != null) {
      timeouts.headReceived();
    }
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      ProxyError error = decodeError(result.cause());
      refuse(request, error, error == ProxyError.BAD_REQUEST ? detail(result.cause()) : null, true);
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      // "HTTP/2.0" in a request line is no HTTP/2 (that starts with its preface), nor HTTP/1.1
      refuse(request, ProxyError.VERSION_NOT_SUPPORTED, null, true);
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      refuse(request, ProxyError.METHOD_NOT_ALLOWED, null, false);
      return;
    }
    if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
        && !onlyChunked(request.headers())) {
      // the codec took the body's end from the final "chunked"; the codings before it would reach
      // the instance unsaid, or be applied to a body not meant for them
      refuse(request, ProxyError.TRANSFER_CODING_NOT_IMPLEMENTED, null, true);
      return;
    }
    String malformed = malformedHead(request);
    if (malformed != null) {
      refuse(request, ProxyError.BAD_REQUEST, "malformed request: " + malformed, false);
      return;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    String path = request.uri();
    if (!path.startsWith("/") && !path.equals("*")) {
      // absolute-form: the target's authority is the host (RFC 9112 3.2.2); only routes are served
      URI uri;
      try {
        uri = URI.create(path);
      } catch (IllegalArgumentException e) {
        refuse(request, ProxyError.BAD_REQUEST, "malformed request target", false);
        return;
      }
      if (uri.getRawAuthority() == null) {
        refuse(request, ProxyError.BAD_REQUEST, "malformed request target", false);
        return;
      }
      if (uri.getRawUserInfo() != null) {
        // RFC 9110 4.2.4: userinfo in an http URI is an error (it hides the real host from view)
        refuse(request, ProxyError.BAD_REQUEST, "malformed request target: it has userinfo", false);
        return;
      }
      host = uri.getRawAuthority();
      path =
          (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }
    RevisionKey revision = gw.routes().select(host);
    if (revision == null) {
      refuse(
          request,
          ProxyError.UNKNOWN_HOST,
          "no route for host \"" + (host == null ? "" : host) + "\"",
          false);
      return;
    }
    RevisionThrottler throttler = gw.throttlers().forRequest(revision);
    if (throttler == null) {
      refuse(request, ProxyError.REVISION_REMOVED, null, false);
      return;
    }
    keepAlive = HttpUtil.isKeepAlive(request);
    current =
        new ProxyExchange(
            gw, ctx, CodecWire.of(request, path, host, this), revision, throttler, this);
    current.start();
  }

  /**
   * What makes a decoded head unfit to forward, or null: a {@code Host} missing from an HTTP/1.1
   * request or given twice (RFC 9112 3.2: 400 either way), or a header name that reads as one the
   * gateway acts on with {@code _} taken for {@code -} ({@link HeaderKind#UNDERSCORED}).
   */
  private static String malformedHead(HttpRequest request) {
    HttpHeaders h = request.headers();
    int hosts = h.getAll(HttpHeaderNames.HOST).size();
    if (hosts > 1) {
      return "more than one Host header";
    }
    if (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return "no Host header (HTTP/1.1 requires one)";
    }
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    while (it.hasNext()) {
      CharSequence name = it.next().getKey();
      if (AsciiString.indexOf(name, '_', 0) >= 0 && HeaderKind.of(name) == HeaderKind.UNDERSCORED) {
        return "header name \""
            + name
            + "\" has '_' where a backend may read '-', making it "
            + name.toString().replace('_', '-')
            + ", which this gateway handles itself";
      }
    }
    return null;
  }

  /** Whether {@code Transfer-Encoding} says {@code chunked} and nothing else. */
  private static boolean onlyChunked(HttpHeaders h) {
    int codings = 0;
    for (String v : h.getAll(HttpHeaderNames.TRANSFER_ENCODING)) {
      for (String coding : v.split(",")) {
        String c = coding.trim();
        if (!c.isEmpty()) {
          if (!c.equalsIgnoreCase("chunked")) {
            return false;
          }
          codings++;
        }
      }
    }
    return codings == 1;
  }

  /** A decoder's refusal for the client: {@code malformed request: <why>}, bounded. */
  private static String detail(Throwable cause) {
    String why = cause == null ? null : cause.getMessage();
    if (why == null || why.isEmpty()) {
      return null;
    }
    return "malformed request: " + (why.length() > 200 ? why.substring(0, 200) + "..." : why);
  }

  /**
   * The current request's body has invalid chunk framing (from either decoder): it cannot be
   * forwarded, nor can anything after it be read. The exchange answers 400 if its response has not
   * begun (else the response breaks off), and the connection closes after it.
   */
  private void bodyMalformed() {
    closeAfterResponse = true;
    if (current != null) {
      current.requestBodyFailed(ProxyError.MALFORMED_BODY);
    } else {
      ctx.close(); // a response went out already (a refused request's body was being dropped)
    }
  }

  /** A request on the pass-through path: routed by its {@code Host}, then the same exchange. */
  private void onRequest(RequestHead head) {
    if (timeouts != null) {
      timeouts.headReceived();
      if (head.bodyless()) {
        timeouts.requestComplete();
      }
    }
    RevisionKey revision = gw.routes().select(head.host());
    keepAlive = head.keepAlive();
    RevisionThrottler throttler = revision == null ? null : gw.throttlers().forRequest(revision);
    if (throttler == null) {
      ProxyError error = revision == null ? ProxyError.UNKNOWN_HOST : ProxyError.REVISION_REMOVED;
      gw.metrics().refused(error);
      String reason =
          revision == null ? "no route for host \"" + head.host() + "\"" : error.reason();
      boolean headRequest = head.isHead();
      boolean bodyPending = !head.bodyless();
      head.release();
      respond(false, headRequest, error(error, reason), bodyPending, false);
      return;
    }
    boolean bodyless = head.bodyless();
    current =
        new ProxyExchange(gw, ctx, new PassThroughWire(head, this), revision, throttler, this);
    current.start();
    if (bodyless) {
      armSocketRead();
    }
  }

  /**
   * Keeps the socket's read armed while a bodyless request is served, below the flow control
   * handler: bytes that come meanwhile wait in its queue, and the connection's read interest is not
   * dropped after this read and added again for the next request (two {@code epoll_ctl} calls a
   * request). The codec path gets the same from its empty last content's read.
   */
  private void armSocketRead() {
    ChannelHandlerContext decoder = decoderContext;
    if (decoder == null || decoder.isRemoved()) {
      decoder = decoderContext = ctx.pipeline().context(HandlerNames.HTTP1_DECODER);
    }
    if (decoder != null && ctx.channel().isActive()) {
      decoder.read();
    }
  }

  /** The client's address for forwarding headers, worked out once per connection. */
  Headers.ClientAddress clientAddress() {
    if (clientAddress == null) {
      Channel connection =
          ctx.channel() instanceof Http2StreamChannel stream ? stream.parent() : ctx.channel();
      clientAddress =
          Headers.ClientAddress.of(
              connection.remoteAddress(), connection.pipeline().get(SslHandler.class) != null);
    }
    return clientAddress;
  }

  /** The connection's forwarding header lines, for the pass-through path. */
  RawHeads.ForwardingCache forwardingCache() {
    return forwardingCache;
  }

  /** Channels to instances for this connection's exchanges, made on first need. */
  UpstreamConnector connector() {
    if (connector == null) {
      connector = new UpstreamConnector(gw, ctx.channel().eventLoop());
    }
    return connector;
  }

  /**
   * Whether this HTTP/1.1 connection is to close after the response in progress, the gateway
   * draining ({@link Drain}): the response says {@code Connection: close}. Never on an HTTP/2
   * stream (the connection's GOAWAY says it there).
   */
  boolean draining() {
    return gw.drain().active() && !(ctx.channel() instanceof Http2StreamChannel);
  }

  /**
   * Called as a proxied response's head is made: whether it is to say {@code Connection: close} for
   * the drain, and if so the connection closes after it. Decided here, with the head, never after
   * it went out: a response that said keep-alive is not followed by a close the client could not
   * expect (it may be sending its next request on the connection already).
   */
  boolean closeForDrain() {
    if (draining()) {
      closeAfterResponse = true;
      return true;
    }
    return false;
  }

  /** The gateway's listeners closed: an HTTP/1.1 connection between requests closes now. */
  void closeIfIdle() {
    if (current == null && !responding && !discarding) {
      ctx.close();
    }
  }

  /** The timer of this connection's exchanges' deadlines, made on first need. */
  ExchangeDeadlines.Timer deadlineTimer() {
    if (deadlineTimer == null) {
      deadlineTimer = new ExchangeDeadlines.Timer(ctx.executor(), gw.ticker());
    }
    return deadlineTimer;
  }

  /** Asks the flow control handler for the next message of the current request. */
  void readMore() {
    ctx.read();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null && ctx.channel().isWritable()) {
      current.onClientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * The exchange is over and its response fully written: read the next request, or close when the
   * connection cannot be reused ({@code requestRead} false: the body was not read to its end).
   */
  void exchangeDone(boolean requestRead, boolean closeAfter) {
    current = null;
    if (!keepAlive || closeAfter || closeAfterResponse || !ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    if (!requestRead) {
      startDiscarding();
      return;
    }
    readNextRequest();
  }

  /** The connection waits for its next request: the keep-alive timeout runs until it begins. */
  private void readNextRequest() {
    if (timeouts != null) {
      timeouts.awaitNext();
    }
    ctx.read();
  }

  private void requestComplete() {
    if (timeouts != null) {
      timeouts.requestComplete();
    }
  }

  /**
   * The exchange failed before any response byte: answer with the error's status.
   *
   * @param reason the response's text, null for the error's own
   * @param omitBody a HEAD request on the pass-through path (the codec leaves a HEAD response's
   *     body out by itself)
   */
  void exchangeFailed(
      boolean http10, boolean omitBody, ProxyError error, String reason, boolean requestRead) {
    current = null;
    gw.metrics().error(error);
    respond(
        http10,
        omitBody,
        error(error, reason == null ? error.reason() : reason),
        !requestRead,
        false);
  }

  private void refuse(HttpRequest request, ProxyError error, String reason, boolean close) {
    if (request.decoderResult().isFailure()) {
      // a request that could not be decoded has no known version: answer in HTTP/1.1
      request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
    gw.metrics().refused(error);
    keepAlive = HttpUtil.isKeepAlive(request);
    respond(
        request.protocolVersion().equals(HttpVersion.HTTP_1_0),
        false,
        error(error, reason == null ? error.reason() : reason),
        true,
        close);
  }

  /**
   * Writes a gateway-made response; then reads the next request, after dropping the rest of this
   * one's body when {@code bodyPending}.
   */
  private void respond(
      boolean http10,
      boolean omitBody,
      FullHttpResponse response,
      boolean bodyPending,
      boolean close) {
    boolean reuse =
        !close && !closeAfterResponse && keepAlive && !draining() && ctx.channel().isActive();
    if (omitBody) {
      response.content().clear(); // its Content-Length stays, as for the GET it stands for
    }
    response.setProtocolVersion(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1);
    if (!reuse) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    // the rest of the body is dropped after this response is queued, so that a pipelined request
    // behind it is answered after it, never before
    boolean discard = reuse && bodyPending;
    if (discard) {
      discarding = true;
      discarded = 0;
    }
    responding = true;
    GatewayInitializer.ensureResponseEncoder(ctx.pipeline());
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  responding = false;
                  if (!reuse || !f.isSuccess()) {
                    ctx.close();
                  } else if (!discarding) {
                    readNextRequest();
                  }
                });
    if (discard && discarding) {
      ctx.read();
    }
  }

  private void startDiscarding() {
    discarding = true;
    discarded = 0;
    ctx.read();
  }

  private void discard(int bytes, boolean last, boolean failed) {
    discarded += bytes;
    if (failed || discarded > DISCARD_LIMIT) {
      ctx.close();
      return;
    }
    if (last) {
      discarding = false;
      if (!responding) {
        readNextRequest();
      }
      return;
    }
    ctx.read();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientClosed();
      current = null;
    }
    stopDeadlineTimer();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stopDeadlineTimer(); // (a tunnel, or HTTP/2 taking the connection over)
  }

  private void stopDeadlineTimer() {
    if (deadlineTimer != null) {
      deadlineTimer.stop();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ClientTimeoutHandler.BODY_TIMEOUT) {
      // the request body stalled past the body timeout: 408 if no response has begun, and the
      // connection (the stream, on HTTP/2) closes, since the rest of the body will not be read
      closeAfterResponse = true;
      if (current != null) {
        current.requestBodyFailed(ProxyError.REQUEST_TIMEOUT);
      } else {
        ctx.close(); // a refused request's body was being dropped: its answer went out already
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ConnectionErrors.caught(gw.metrics(), GatewayMetrics.CLIENT_SIDE, ctx.channel(), cause);
    if (current == null
        && !responding
        && cause.getCause() instanceof Http2Exception.StreamException malformed
        && ctx.channel().isActive()) {
      // an HTTP/2 request the stream codec refused (say, ':authority' and 'host' that differ): a
      // 400 with the reason on this stream, as the HTTP/1.1 codec answers a malformed request
      gw.metrics().refused(ProxyError.BAD_REQUEST);
      respond(
          false,
          false,
          error(ProxyError.BAD_REQUEST, "malformed request: " + malformed.getMessage()),
          false,
          true);
      return;
    }
    ctx.close();
  }

  static FullHttpResponse error(ProxyError error, String reason) {
    ByteBuf body = Unpooled.copiedBuffer(reason + "\n", StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(), body);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(r, body.readableBytes());
    if (error.retryable()) {
      r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    }
    return r;
  }

  private static ProxyError decodeError(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return ProxyError.URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return ProxyError.HEADERS_TOO_LARGE;
    }
    if (cause instanceof TooLongFrameException) {
      return ProxyError.BODY_TOO_LARGE;
    }
    return ProxyError.BAD_REQUEST;
  }
}
