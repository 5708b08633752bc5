package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.api.spi.RevisionKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The client side of the proxy: last in a client connection's pipeline, after the server codec and
 * the bounded aggregator. Routes each request to a revision and starts its {@link ProxyExchange}.
 * One request at a time per connection: reading pauses while a request is in progress (which also
 * stops reading the client while its request is held) and resumes when the response is written.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {
  /** Pipelined requests beyond this many close the connection. */
  static final int MAX_PIPELINED = 16;

  private final GatewayContext gw;
  private final ArrayDeque<FullHttpRequest> pipelined = new ArrayDeque<>();
  private boolean busy;
  private ProxyExchange current;

  public FrontendHandler(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(false);
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      // a pipelining client sent the next request already: answer in order, one at a time
      if (pipelined.size() >= MAX_PIPELINED) {
        request.release();
        ctx.close();
        return;
      }
      pipelined.add(request);
      return;
    }
    busy = true;
    handle(ctx, request);
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      fail(ctx, request, decodeError(result.cause()), true);
      return;
    }
    if (request.method().equals(HttpMethod.CONNECT)) {
      fail(ctx, request, ProxyError.METHOD_NOT_ALLOWED);
      return;
    }
    String host = request.headers().get(HttpHeaderNames.HOST);
    RevisionKey revision = gw.routes().select(host);
    if (revision == null) {
      gw.metrics().error(ProxyError.UNKNOWN_HOST);
      respond(
          ctx,
          request,
          error(
              ProxyError.UNKNOWN_HOST, "no route for host \"" + (host == null ? "" : host) + "\""),
          false);
      return;
    }
    current = new ProxyExchange(gw, ctx, request, revision, this);
    current.start();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientClosed();
      current = null;
    }
    FullHttpRequest r;
    while ((r = pipelined.poll()) != null) {
      r.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /**
   * Writes the response for {@code request} and releases it; reads the next request when kept
   * alive.
   */
  void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
    respond(ctx, request, response, false);
  }

  void fail(ChannelHandlerContext ctx, FullHttpRequest request, ProxyError error) {
    fail(ctx, request, error, false);
  }

  private void fail(
      ChannelHandlerContext ctx, FullHttpRequest request, ProxyError error, boolean close) {
    gw.metrics().error(error);
    respond(ctx, request, error(error, error.reason()), close);
  }

  private void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      FullHttpResponse response,
      boolean close) {
    current = null;
    boolean keepAlive = !close && HttpUtil.isKeepAlive(request) && ctx.channel().isActive();
    response.setProtocolVersion(
        request.protocolVersion().equals(HttpVersion.HTTP_1_0)
            ? HttpVersion.HTTP_1_0
            : HttpVersion.HTTP_1_1);
    if (keepAlive) {
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    request.release();
    ctx.writeAndFlush(response)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!keepAlive || !f.isSuccess()) {
                    ctx.close();
                    return;
                  }
                  FullHttpRequest next = pipelined.poll();
                  if (next != null) {
                    handle(ctx, next);
                  } else {
                    busy = false;
                    ctx.read();
                  }
                });
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
