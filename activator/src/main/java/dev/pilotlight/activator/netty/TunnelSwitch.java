package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Turns an upgraded exchange's two connections into a byte tunnel: writes the 101 to the client,
 * then relays what the instance sent with or after it (kept here until then, in order) and swaps
 * both pipelines' HTTP handlers for {@link TunnelHandler}s. No client timeout applies to a tunnel.
 */
final class TunnelSwitch {
  private List<ByteBuf> early = new ArrayList<>();

  /** Bytes of the upgraded connection read before the switch: they go first. */
  void bytes(ByteBuf b) {
    if (early == null) {
      b.release();
    } else {
      early.add(b);
    }
  }

  /**
   * Writes {@code head} (rewritten already) and switches once it is out.
   *
   * @param closed run once when either side of the tunnel closes
   * @param failed run when the 101 could not be written, or the exchange ended meanwhile
   * @param over whether the exchange ended meanwhile
   */
  void open(
      ChannelHandlerContext client,
      Channel upstream,
      HttpResponse head,
      GatewayMetrics metrics,
      Runnable closed,
      Runnable failed,
      BooleanSupplier over) {
    upstream.config().setAutoRead(false);
    client
        .writeAndFlush(head)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess() || over.getAsBoolean()) {
                    failed.run();
                    return;
                  }
                  for (ByteBuf b : early) {
                    client.channel().write(b);
                  }
                  early = null;
                  client.channel().flush();
                  ChannelPipeline up = upstream.pipeline();
                  up.replace(
                      HandlerNames.BACKEND,
                      HandlerNames.TUNNEL,
                      new TunnelHandler(
                          client.channel(), closed, metrics, GatewayMetrics.UPSTREAM_SIDE));
                  up.remove(HandlerNames.UPSTREAM_CODEC);
                  ChannelPipeline down = client.pipeline();
                  down.replace(
                      HandlerNames.FRONTEND,
                      HandlerNames.TUNNEL,
                      new TunnelHandler(upstream, closed, metrics, GatewayMetrics.CLIENT_SIDE));
                  down.remove(HandlerNames.FLOW_CONTROL);
                  down.remove(HandlerNames.HTTP_CODEC);
                  // a tunnel's bytes have no request phases: no client timeout applies to them
                  if (down.get(HandlerNames.CLIENT_TIMEOUTS) != null) {
                    down.remove(HandlerNames.CLIENT_TIMEOUTS);
                  }
                });
  }

  /** The exchange ended: what was kept for the client is dropped. */
  void release() {
    if (early != null) {
      early.forEach(ByteBuf::release);
      early = null;
    }
  }
}
