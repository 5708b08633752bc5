package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;

/**
 * Composes a client connection's pipeline: HTTP/2 prior-knowledge detection (leaves after the first
 * bytes), HTTP codec with bounded lines and headers, the {@code Upgrade: h2c} handler (leaves after
 * the first request), flow control (one message per read), then the proxy. Auto-read is off from
 * the start. A connection that turns out to be HTTP/2 gets the pipeline of {@link H2Frontend}.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
  private final GatewayContext gw;

  public GatewayInitializer(GatewayContext gw) {
    this.gw = gw;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.config().setAutoRead(false);
    gw.connections().add(ch);
    configure(ch.pipeline(), gw);
  }

  /** The client pipeline as a connection starts; also used by handler tests (embedded channel). */
  static void configure(ChannelPipeline p, GatewayContext gw) {
    addHttpHandlers(p, gw);
    addProxyHandlers(p, gw);
  }

  private static void addHttpHandlers(ChannelPipeline p, GatewayContext gw) {
    p.addLast(HandlerNames.PRIOR_KNOWLEDGE, new PriorKnowledgeDetector(gw));
    HttpServerCodec codec =
        new HttpServerCodec(gw.config().maxInitialLineBytes(), gw.config().maxHeaderBytes(), 8192);
    p.addLast(HandlerNames.HTTP_CODEC, codec);
    p.addLast(HandlerNames.H2C_UPGRADE, H2Frontend.upgradeHandler(gw, codec));
    // one decoded message per read(): a request's body is pulled only as fast as it is forwarded
    p.addLast(HandlerNames.FLOW_CONTROL, new FlowControlHandler());
  }

  private static void addProxyHandlers(ChannelPipeline p, GatewayContext gw) {
    p.addLast(HandlerNames.FRONTEND, new FrontendHandler(gw));
  }
}
