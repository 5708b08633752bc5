package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;

/**
 * Composes a client connection's pipeline: HTTP codec with bounded lines and headers, flow control
 * (one message per read), then the proxy. Auto-read is off from the start.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
  private final GatewayContext gw;

  public GatewayInitializer(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.config().setAutoRead(false);
    configure(ch.pipeline(), gw);
  }

  /** The HTTP/1.1 client pipeline; also used by handler tests on an embedded channel. */
  static void configure(ChannelPipeline p, GatewayContext gw) {
    addHttpHandlers(p, gw);
    addProxyHandlers(p, gw);
  }

  private static void addHttpHandlers(ChannelPipeline p, GatewayContext gw) {
    p.addLast(
        HandlerNames.HTTP_CODEC,
        new HttpServerCodec(gw.config().maxInitialLineBytes(), gw.config().maxHeaderBytes(), 8192));
    // one decoded message per read(): a request's body is pulled only as fast as it is forwarded
    p.addLast(HandlerNames.FLOW_CONTROL, new FlowControlHandler());
  }

  private static void addProxyHandlers(ChannelPipeline p, GatewayContext gw) {
    p.addLast(HandlerNames.FRONTEND, new FrontendHandler(gw));
  }
}
