package dev.pilotlight.activator.tls;

import dev.pilotlight.activator.netty.GatewayInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS port's first handlers: {@link SniHandler} picks the certificate by the ClientHello's
 * server name from the {@link CertificateStore} and becomes the {@code SslHandler}; then ALPN
 * decides the protocol: {@code h2} turns the connection into an HTTP/2 one exactly as the HTTP/2
 * preface does on the plain port, {@code http/1.1} (or none) leaves the HTTP/1.1 handlers. The
 * handshake has {@value #HANDSHAKE_TIMEOUT_MILLIS} ms; a ClientHello at most {@value
 * #MAX_CLIENT_HELLO} bytes.
 */
public final class TlsTerminator implements GatewayInitializer.TlsHandlers {
  private static final Logger log = LoggerFactory.getLogger(TlsTerminator.class);
  static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  static final int MAX_CLIENT_HELLO = 16 * 1024;
  public static final String SNI = "tls-sni";
  public static final String ALPN = "tls-alpn";

  private final CertificateStore store;

  public TlsTerminator(CertificateStore store) {
    this.store = store;
  }

  public CertificateStore store() {
    return store;
  }

  @Override
  public void addFirst(ChannelPipeline p, Consumer<ChannelPipeline> http2) {
    p.addLast(SNI, new SniHandler(store, MAX_CLIENT_HELLO, HANDSHAKE_TIMEOUT_MILLIS));
    p.addLast(ALPN, new Alpn(http2));
  }

  private static final class Alpn extends ApplicationProtocolNegotiationHandler {
    private final Consumer<ChannelPipeline> http2;

    Alpn(Consumer<ChannelPipeline> http2) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.http2 = http2;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        http2.accept(ctx.pipeline());
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      // scanners and clients that distrust the certificate: not worth a warning each
      log.debug(
          "TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
