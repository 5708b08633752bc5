package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Composes a client connection's pipeline: HTTP codec with bounded lines and headers, then the
 * proxy.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
  private final GatewayContext gw;

  public GatewayInitializer(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    addHttpHandlers(p);
    addProxyHandlers(p);
  }

  private void addHttpHandlers(ChannelPipeline p) {
    p.addLast(
        HandlerNames.HTTP_CODEC,
        new HttpServerCodec(gw.config().maxInitialLineBytes(), gw.config().maxHeaderBytes(), 8192));
    p.addLast(HandlerNames.AGGREGATOR, new HttpObjectAggregator(gw.config().maxRequestBodyBytes()));
  }

  private void addProxyHandlers(ChannelPipeline p) {
    p.addLast(HandlerNames.FRONTEND, new FrontendHandler(gw));
  }
}
