package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.ReferenceCountUtil;

/**
 * The instance side of the proxy: last in an upstream connection's pipeline (after the client codec
 * and a bounded aggregator). Hands the response, or the connection's loss, to the exchange that is
 * using the connection; a response with no exchange is dropped and released.
 */
public final class BackendHandler extends ChannelInboundHandlerAdapter {
  private ProxyExchange exchange;

  void bind(ProxyExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpResponse r
        && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      r.release(); // 1xx before the real response: keep waiting for it
      return;
    }
    ProxyExchange ex = exchange;
    exchange = null;
    if (ex != null && msg instanceof FullHttpResponse response) {
      ex.onResponse(ctx.channel(), response);
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
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
    ProxyExchange ex = exchange;
    if (ex != null && cause instanceof TooLongFrameException) {
      exchange = null;
      ex.onUpstreamTooLarge();
    }
    ctx.close();
  }
}
