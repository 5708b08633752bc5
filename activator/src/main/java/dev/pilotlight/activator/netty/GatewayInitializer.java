package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Composes a client connection's pipeline: the client timeouts ({@link ClientTimeoutHandler}),
 * HTTP/2 prior-knowledge detection (leaves after the first bytes), the pass-through request decoder
 * ({@link Http1RequestDecoder}), flow control (one message per read), then the proxy. Auto-read is
 * off from the start. The encoder of the responses the gateway writes as objects ({@link
 * GatewayResponseEncoder}; proxied bytes pass it untouched) joins on first need ({@link
 * #ensureResponseEncoder}).
 *
 * <p>When a request needs the full HTTP codec ({@link #useCodec}), the two pass-through handlers
 * make way for the codec with bounded lines and headers and, on a connection's first request, the
 * {@code Upgrade: h2c} handler (which leaves after that request). A connection that turns out to be
 * HTTP/2 gets the pipeline of {@link H2Frontend}.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
  /**
   * The TLS port's handlers, put first in each of its connections' pipelines (before the client
   * timeouts, which then see the decrypted bytes): they call {@code http2} on the pipeline when
   * ALPN chose {@code h2}.
   */
  public interface TlsHandlers {
    void addFirst(ChannelPipeline p, java.util.function.Consumer<ChannelPipeline> http2);
  }

  private final GatewayContext gw;
  private final TlsHandlers tls;

  public GatewayInitializer(GatewayContext gw) {
    this(gw, null);
  }

  /** The initializer of the TLS port ({@code tls} non-null) or the plain one. */
  public GatewayInitializer(GatewayContext gw, TlsHandlers tls) {
    this.gw = gw;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.config().setAutoRead(false);
    gw.connections().add(ch);
    if (tls != null) {
      tls.addFirst(ch.pipeline(), p -> http2(p, gw));
    }
    configure(ch.pipeline(), gw);
  }

  /** ALPN chose {@code h2}: the connection's pipeline becomes HTTP/2's, as with prior knowledge. */
  static void http2(ChannelPipeline p, GatewayContext gw) {
    if (p.get(HandlerNames.PRIOR_KNOWLEDGE) != null) {
      p.remove(HandlerNames.PRIOR_KNOWLEDGE);
    }
    H2Frontend.priorKnowledge(p, gw);
  }

  /** The client pipeline as a connection starts; also used by handler tests (embedded channel). */
  static void configure(ChannelPipeline p, GatewayContext gw) {
    addHttpHandlers(p, gw);
    addProxyHandlers(p, gw);
  }

  private static void addHttpHandlers(ChannelPipeline p, GatewayContext gw) {
    // first: it sees the socket's bytes and reads, whatever protocol the connection turns out to be
    p.addLast(HandlerNames.CLIENT_TIMEOUTS, new ClientTimeoutHandler(gw, false));
    p.addLast(HandlerNames.PRIOR_KNOWLEDGE, new PriorKnowledgeDetector(gw));
    p.addLast(
        HandlerNames.HTTP1_DECODER,
        new Http1RequestDecoder(gw.config().maxInitialLineBytes(), gw.config().maxHeaderBytes()));
    // one decoded message per read(): a request's body is pulled only as fast as it is forwarded
    p.addLast(HandlerNames.FLOW_CONTROL, new OneMessagePerRead());
  }

  /**
   * The rest of the connection goes through the HTTP codec (the pass-through decoder met a request
   * it does not serve, and every earlier exchange is done): the codec, and the h2c upgrade handler
   * when no request came before, replace the pass-through handlers and get their unread bytes.
   */
  static void useCodec(ChannelPipeline p, GatewayContext gw) {
    Http1RequestDecoder decoder = (Http1RequestDecoder) p.get(HandlerNames.HTTP1_DECODER);
    // RFC 9112's framing rules in full: Transfer-Encoding with Content-Length, or on HTTP/1.0, is
    // refused (400) rather than framed by one of them, since another proxy in front of the gateway
    // may have framed it by the other
    HttpServerCodec codec =
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(gw.config().maxInitialLineBytes())
                .setMaxHeaderSize(gw.config().maxHeaderBytes())
                .setMaxChunkSize(8192)
                .setUseRfc9112TransferEncoding(true));
    p.addAfter(HandlerNames.HTTP1_DECODER, HandlerNames.HTTP_CODEC, codec);
    // h2c is HTTP/2 over cleartext only (RFC 9113 3.1): no upgrade on the TLS port
    if (decoder.requests() == 0 && p.get(io.netty.handler.ssl.SslHandler.class) == null) {
      p.addAfter(
          HandlerNames.HTTP_CODEC, HandlerNames.H2C_UPGRADE, H2Frontend.upgradeHandler(gw, codec));
    }
    if (p.get(HandlerNames.HTTP1_ENCODER) != null) {
      p.remove(HandlerNames.HTTP1_ENCODER);
    }
    p.remove(HandlerNames.HTTP1_DECODER); // hands its unread bytes to the codec
  }

  /**
   * Before the gateway writes a response as an object on a pass-through connection (its own error,
   * {@code 100 Continue}, an h2c instance's response): the encoder for it, added on first need, so
   * that a connection that only ever proxies bytes (or waits, held) does without.
   */
  static void ensureResponseEncoder(ChannelPipeline p) {
    if (p.get(HandlerNames.HTTP1_DECODER) != null && p.get(HandlerNames.HTTP1_ENCODER) == null) {
      p.addAfter(
          HandlerNames.HTTP1_DECODER, HandlerNames.HTTP1_ENCODER, new GatewayResponseEncoder());
    }
  }

  private static void addProxyHandlers(ChannelPipeline p, GatewayContext gw) {
    p.addLast(HandlerNames.FRONTEND, new FrontendHandler(gw));
  }
}
