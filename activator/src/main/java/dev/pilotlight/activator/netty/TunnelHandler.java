package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One direction of an upgraded connection (WebSocket or any {@code Upgrade}): relays the bytes read
 * on its channel to the peer, reading the next chunk only once the previous one was written (auto
 * read is off), and closes the peer, after what was written, when its channel closes. {@code
 * onClose} runs once per handler.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final Runnable onClose;
  private final GatewayMetrics metrics;
  private final String side;
  private boolean closed;

  /**
   * @param side whose channel this handler reads, for {@link ConnectionErrors}
   */
  TunnelHandler(Channel peer, Runnable onClose, GatewayMetrics metrics, String side) {
    this.peer = peer;
    this.onClose = onClose;
    this.metrics = metrics;
    this.side = side;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(false);
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBufHolder holder) {
      // what a codec still emitted while it was being removed (e.g. the 101's empty last content)
      ByteBuf bytes = holder.content().retain();
      holder.release();
      msg = bytes;
    }
    if (!(msg instanceof ByteBuf buf) || !buf.isReadable()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    peer.writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.read();
                  } else {
                    ctx.close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    if (!closed) {
      closed = true;
      onClose.run();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ConnectionErrors.caught(metrics, side, ctx.channel(), cause);
    ctx.close();
  }
}
