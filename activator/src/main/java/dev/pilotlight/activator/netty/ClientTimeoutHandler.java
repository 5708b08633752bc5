package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ClientLimits;
import dev.pilotlight.activator.ProxyError;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Enforces the client timeouts ({@link ClientLimits}, decided by {@link ClientTimeouts}) on a
 * client connection, first in its pipeline so that it sees the socket's own bytes and reads; on an
 * HTTP/2 stream channel, the body timeout of that stream.
 *
 * <p>One timer per connection, never cancelled on the request path: it sleeps until the running
 * timeout's deadline or for at most the shortest timeout, and on waking checks the phase again.
 * Every deadline a later event can set is at least the shortest timeout away, so none is missed and
 * a request costs no scheduling.
 *
 * <p>When a timeout passes: a request head begun is answered {@code 408} (written here, as raw
 * bytes: nothing else is being written then) and the connection closed; a connection that sent
 * nothing, or idle between requests, is closed; a stalled body is passed to {@link FrontendHandler}
 * as {@link #BODY_TIMEOUT}, which answers 408 if the response has not begun and closes the
 * connection; an idle HTTP/2 connection is closed (its codec sends GOAWAY). Each is counted in
 * {@code client_timeouts_total{kind}}.
 */
final class ClientTimeoutHandler extends ChannelDuplexHandler {
  /** The user event a stalled request body raises, for {@link FrontendHandler}. */
  static final Object BODY_TIMEOUT = new Object();

  private final GatewayContext gw;
  private final boolean stream;
  private final long maxSleepNanos;
  private ClientTimeouts timeouts;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;

  /**
   * @param stream on an HTTP/2 stream channel (only the body timeout applies)
   */
  ClientTimeoutHandler(GatewayContext gw, boolean stream) {
    this.gw = gw;
    this.stream = stream;
    this.maxSleepNanos = gw.config().clientLimits().shortestTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    timeouts = new ClientTimeouts(gw.config().clientLimits(), stream, now());
    if (ctx.channel().isActive()) {
      arm();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    timeouts.inbound(now());
    ctx.fireChannelRead(msg);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    timeouts.readRequested(now());
    ctx.read();
  }

  /** A request head was decoded. */
  void headReceived() {
    timeouts.headReceived(now());
  }

  /** The current request was read to its end. */
  void requestComplete() {
    timeouts.requestComplete();
  }

  /** The response is written; the connection waits for its next request. */
  void awaitNext() {
    timeouts.awaitNext(now());
  }

  /**
   * The connection became HTTP/2 with {@code connection}: from now on it times out only when it has
   * no open stream.
   */
  void http2(Http2Connection connection) {
    timeouts.http2(now());
    connection.addListener(
        new Http2ConnectionAdapter() {
          @Override
          public void onStreamActive(Http2Stream s) {
            timeouts.streamOpened();
          }

          @Override
          public void onStreamClosed(Http2Stream s) {
            timeouts.streamClosed(now());
          }
        });
  }

  ClientTimeouts timeouts() {
    return timeouts;
  }

  private long now() {
    return gw.ticker().nanoTime();
  }

  private void arm() {
    if (timer != null || !ctx.channel().isActive()) {
      return;
    }
    long deadline = timeouts.deadline();
    long sleep =
        deadline == Long.MAX_VALUE
            ? maxSleepNanos
            : Math.min(maxSleepNanos, Math.max(0, deadline - now()));
    timer = ctx.executor().schedule(this::check, sleep, TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isActive() || ctx.isRemoved()) {
      return;
    }
    ClientTimeouts.Kind passed = timeouts.expired(now());
    if (passed == null) {
      arm();
      return;
    }
    gw.metrics().clientTimeout(passed.label());
    switch (passed) {
      case HEADER -> {
        if (!stream && timeouts.headBegun()) {
          gw.metrics().refused(ProxyError.REQUEST_HEAD_TIMEOUT);
          ctx.writeAndFlush(requestTimeout(gw.config().clientLimits()))
              .addListener(ChannelFutureListener.CLOSE);
        } else {
          ctx.channel().close();
        }
      }
      case BODY -> ctx.fireUserEventTriggered(BODY_TIMEOUT);
      // through the whole pipeline: an HTTP/2 codec after this handler sends its GOAWAY
      case IDLE, HTTP2_IDLE -> ctx.channel().close();
    }
  }

  /** The 408 for a request head not received in time, whole, ready for the socket. */
  private static ByteBuf requestTimeout(ClientLimits limits) {
    long ms = limits.headerTimeout().toMillis();
    String body =
        "request head not received within "
            + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms")
            + "\n";
    String response =
        "HTTP/1.1 408 Request Timeout\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + body;
    return Unpooled.copiedBuffer(response, StandardCharsets.UTF_8);
  }
}
