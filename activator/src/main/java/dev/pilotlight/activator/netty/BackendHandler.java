package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The instance side of the proxy, last in an upstream connection's pipeline (after the client
 * codec): hands each decoded part of the response, the end of a read batch, and the connection's
 * loss to the exchange using the connection. Anything arriving while no exchange is bound (an idle
 * pooled connection) is dropped and the connection closed.
 */
public final class BackendHandler extends ChannelInboundHandlerAdapter {
  private final GatewayMetrics metrics;
  private ProxyExchange exchange;

  BackendHandler(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  /** The backend handler of an upstream connection or stream (last in its pipeline). */
  static BackendHandler of(Channel ch) {
    return ch.pipeline().last() instanceof BackendHandler b
        ? b
        : ch.pipeline().get(BackendHandler.class);
  }

  /** Binds the connection to {@code exchange}, or unbinds it with null. */
  void bind(ProxyExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ProxyExchange ex = exchange;
    if (ex == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    ex.onUpstreamMessage(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ProxyExchange ex = exchange;
    if (ex != null) {
      ex.flushClient();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ProxyExchange ex = exchange;
    exchange = null;
    if (ex != null) {
      ex.onUpstreamClosed(ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ConnectionErrors.caught(metrics, GatewayMetrics.UPSTREAM_SIDE, ctx.channel(), cause);
    ctx.close();
  }
}
