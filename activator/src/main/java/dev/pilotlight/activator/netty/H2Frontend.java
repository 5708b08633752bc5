package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * HTTP/2 cleartext from clients: a connection becomes HTTP/2 either with prior knowledge (the
 * preface, seen by {@link PriorKnowledgeDetector}) or by {@code Upgrade: h2c} on its first request
 * (RFC 7540 3.2, which the JDK's HttpClient uses for {@code http://} URIs).
 *
 * <p>An HTTP/2 connection's pipeline is the frame codec and a multiplexer; each stream is a child
 * channel whose pipeline turns frames into the same {@code HttpObject}s the HTTP/1.1 codec makes
 * ({@link Http2StreamFrameToHttpObjectCodec}, {@code :authority} becoming {@code Host}), then the
 * same flow control and {@link FrontendHandler} as an HTTP/1.1 connection. So routing, holding,
 * timeouts, headers and the upstream side are shared: a stream carries exactly one request, its
 * {@code FrontendHandler} sees one exchange; closing the stream channel (an error mid-response, a
 * refused request's unread body) resets that stream only.
 *
 * <p>Backpressure: a stream channel's auto-read is off, as on an HTTP/1.1 connection, so a request
 * body is read one frame per forwarded chunk and the stream's flow-control window is re-opened only
 * then; the connection itself always reads (its frames are demultiplexed into bounded stream
 * windows, see {@link H2Common}). A response is written while the stream is writable, which HTTP/2
 * flow control and the socket's writability decide together.
 *
 * <p>Bounds: {@value #MAX_CONCURRENT_STREAMS} concurrent streams per connection; the header list at
 * most the gateway's header limit (larger: 431 on that stream); an {@code Upgrade: h2c} request is
 * taken up only as the connection's first request and only when its body is known to be at most
 * {@value #MAX_UPGRADE_BODY} bytes (it must be read whole before switching); otherwise it is served
 * over HTTP/1.1 as if the header were absent, which RFC 9110 7.8 allows. Other {@code Upgrade}s
 * (WebSocket) are not touched here and reach the instance as before.
 *
 * <p>Refusals (RFC 9113 5.4): a malformed request head (a pseudo-header field missing, repeated,
 * unknown, after a regular field or a response's; a connection-specific field; {@code te} other
 * than {@code trailers}; a field name in upper case or a value with NUL, CR or LF; the rest in
 * {@link H2ServerCodec}) has its stream reset with PROTOCOL_ERROR before any handler sees it, and
 * the stream is freed at once; nothing reaches the instance. A body that breaks its {@code
 * content-length} is reset the same way when it does (the instance, which had the head, sees the
 * request cut off). Any other stream error resets the stream with the code the RFC names
 * (STREAM_CLOSED, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, REFUSED_STREAM over the concurrency limit):
 * {@link H2Common.StreamErrors} keeps the stream's handlers from closing it with CANCEL first. A
 * connection error is answered by the frame codec with GOAWAY and its code, then the close ({@link
 * H2Common.CloseOnError} leaves those to it). Floods end the connection with GOAWAY
 * ENHANCE_YOUR_CALM: more than 200 streams reset by the client in 30 s (rapid reset), more than 200
 * accepted requests the gateway had to reset for an error the client made ({@link H2ServerCodec}),
 * more than 16 empty CONTINUATION frames in a row, more than 10,000 frames the gateway must answer
 * (PING, SETTINGS) left unread; a header block over 1.25 times the header limit ends it with
 * PROTOCOL_ERROR. A request that the HTTP/2 rules allow but the gateway does not forward (a {@code
 * host} field that differs from {@code :authority}, a header list over the limit) is answered 400
 * or 431 on its stream.
 */
final class H2Frontend {
  /** Streams a client may have open at once on one connection. */
  static final int MAX_CONCURRENT_STREAMS = 1000;

  /** Largest request body an {@code Upgrade: h2c} request may have to be upgraded. */
  static final int MAX_UPGRADE_BODY = 64 * 1024;

  private static final AsciiString H2C = AsciiString.of("h2c");

  private H2Frontend() {}

  /** The connection opened with the HTTP/2 preface: replace the HTTP/1.1 handlers. */
  static void priorKnowledge(ChannelPipeline p, GatewayContext gw) {
    p.remove(HandlerNames.FRONTEND);
    p.remove(HandlerNames.FLOW_CONTROL);
    for (String name :
        List.of(
            HandlerNames.HTTP1_ENCODER,
            HandlerNames.HTTP1_DECODER,
            HandlerNames.H2C_UPGRADE,
            HandlerNames.HTTP_CODEC)) {
      if (p.get(name) != null) {
        p.remove(name);
      }
    }
    Http2FrameCodec codec = codec(gw);
    p.addLast(HandlerNames.H2_FLUSHES, H2Common.flushConsolidation());
    p.addLast(HandlerNames.H2_CODEC, codec);
    p.addLast(HandlerNames.H2_MULTIPLEX, multiplexer(gw));
    http2Timeouts(p, codec);
    p.addLast(new H2Common.ConnectionWindow());
    p.addLast(H2Common.CloseOnError.INSTANCE);
    p.addLast(new H2Drain(codec, gw.drain()));
    p.channel().config().setAutoRead(true);
  }

  /**
   * The handler after the HTTP/1.1 codec that upgrades the connection on a first request asking for
   * {@code h2c}, and leaves the pipeline after that first request either way.
   */
  static HttpServerUpgradeHandler upgradeHandler(GatewayContext gw, HttpServerCodec codec) {
    HttpServerUpgradeHandler.UpgradeCodecFactory factory =
        protocol ->
            AsciiString.contentEqualsIgnoreCase(protocol, H2C)
                ? new Http2ServerUpgradeCodec(codec(gw), multiplexer(gw), new Takeover(gw.drain()))
                : null;
    return new H2cUpgradeHandler(codec, factory);
  }

  /** The connection's client timeouts: from now on, only its idle time without streams. */
  private static void http2Timeouts(ChannelPipeline p, Http2FrameCodec codec) {
    ClientTimeoutHandler timeouts = p.get(ClientTimeoutHandler.class);
    if (timeouts != null && codec != null) {
      timeouts.http2(codec.connection());
    }
  }

  private static Http2FrameCodec codec(GatewayContext gw) {
    return H2ServerCodec.forServer()
        .initialSettings(H2Common.settings(gw.config().maxHeaderBytes(), MAX_CONCURRENT_STREAMS))
        .validateHeaders(true)
        .validateRequiredPseudoHeaders(true)
        // the gateway drains requests before it closes connections: no second wait in GOAWAY
        .gracefulShutdownTimeoutMillis(0)
        .build();
  }

  private static Http2MultiplexHandler multiplexer(GatewayContext gw) {
    H2Common.StreamErrors streamErrors = new H2Common.StreamErrors(gw.metrics());
    return new Http2MultiplexHandler(
        new ChannelInitializer<Http2StreamChannel>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.config().setAutoRead(false);
            ch.pipeline()
                .addLast(HandlerNames.H2_STREAM_ERRORS, streamErrors)
                .addLast(HandlerNames.CLIENT_TIMEOUTS, new ClientTimeoutHandler(gw, true))
                .addLast(HandlerNames.H2_STREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(HandlerNames.H2_ADAPTER, new RequestAdapter())
                .addLast(HandlerNames.FLOW_CONTROL, new OneMessagePerRead())
                .addLast(HandlerNames.FRONTEND, new FrontendHandler(gw));
          }
        });
  }

  /**
   * Only h2c, only the first request, only a well-formed one (a head the codec refused, say for its
   * size, is answered as such over HTTP/1.1), only a small body known in advance.
   */
  private static final class H2cUpgradeHandler extends HttpServerUpgradeHandler {
    H2cUpgradeHandler(HttpServerCodec codec, UpgradeCodecFactory factory) {
      super(
          codec,
          factory,
          MAX_UPGRADE_BODY,
          DefaultHttpHeadersFactory.headersFactory(),
          DefaultHttpHeadersFactory.trailersFactory(),
          true);
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
      return req.decoderResult().isSuccess()
          && asksForH2c(req)
          && !HttpUtil.isTransferEncodingChunked(req)
          && HttpUtil.getContentLength(req, 0L) <= MAX_UPGRADE_BODY;
    }
  }

  /** Whether a request's {@code Upgrade} lists {@code h2c}. */
  static boolean asksForH2c(HttpRequest req) {
    for (String v : req.headers().getAll(HttpHeaderNames.UPGRADE)) {
      for (String token : v.split(",")) {
        if (token.trim().equalsIgnoreCase("h2c")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Added with the HTTP/2 handlers on an {@code Upgrade: h2c}: the connection's HTTP/1.1 handlers
   * after them go, and the connection reads on its own from now on.
   */
  private static final class Takeover extends ChannelInboundHandlerAdapter {
    private final Drain drain;

    Takeover(Drain drain) {
      this.drain = drain;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ChannelPipeline p = ctx.pipeline();
      p.remove(HandlerNames.FRONTEND);
      p.remove(HandlerNames.FLOW_CONTROL);
      p.addLast(new H2Common.ConnectionWindow());
      p.addLast(H2Common.CloseOnError.INSTANCE);
      Http2FrameCodec codec = p.get(Http2FrameCodec.class);
      http2Timeouts(p, codec);
      p.addLast(new H2Drain(codec, drain));
      p.remove(this);
      p.channel().config().setAutoRead(true);
    }
  }

  /**
   * On a stream channel, after the codec: a request head as the HTTP/1.1 codec would make it. One
   * {@code Host}, no {@code x-http2-*} conversion headers, and a request that came as one HEADERS
   * frame (no body) split into its head and an empty last content.
   *
   * <p>The codec turns {@code :authority} into a {@code Host} value, listed first; a request that
   * also has a {@code host} field gets two. The field wins: a client that adds one next to the
   * {@code :authority} it derives from the URI (the JDK's HttpClient with a {@code Host} override,
   * after an {@code Upgrade: h2c}) means it as the override it is in HTTP/1.1. RFC 9113 8.3.1 would
   * also allow refusing such a request; either way exactly one value is used, for routing and for
   * the {@code Host}, {@code X-Forwarded-Host} and {@code Forwarded} the instance sees.
   */
  static final class RequestAdapter extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof HttpRequest request)) {
        ctx.fireChannelRead(msg);
        return;
      }
      HttpHeaders h = request.headers();
      List<String> hosts = h.getAll(HttpHeaderNames.HOST);
      if (hosts.size() > 1) {
        h.set(HttpHeaderNames.HOST, hosts.get(hosts.size() - 1));
      }
      H2Common.stripExtensionHeaders(h);
      if (msg instanceof FullHttpRequest full) {
        HttpRequest head =
            new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), h);
        head.setDecoderResult(full.decoderResult());
        ctx.fireChannelRead(head);
        // the content buffer now belongs to the last content
        ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
