package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** A connection closed on an exception is counted by side and kind, and the channel closed. */
class ConnectionErrorsTest {
  private final GatewayMetrics metrics = new GatewayMetrics();

  @Test
  void causesAreSortedIntoKinds() {
    assertThat(ConnectionErrors.kind(new IOException("Connection reset by peer")))
        .isEqualTo(ConnectionErrors.IO);
    assertThat(ConnectionErrors.kind(new DecoderException(new IOException("wrapped"))))
        .isEqualTo(ConnectionErrors.PROTOCOL);
    assertThat(ConnectionErrors.kind(new RuntimeException(new IOException("wrapped"))))
        .isEqualTo(ConnectionErrors.IO);
    assertThat(
            ConnectionErrors.kind(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "x")))
        .isEqualTo(ConnectionErrors.PROTOCOL);
    assertThat(ConnectionErrors.kind(new IllegalStateException("a bug")))
        .isEqualTo(ConnectionErrors.INTERNAL);
  }

  @Test
  void anUpstreamConnectionsErrorIsCountedAndClosesIt() {
    EmbeddedChannel ch = new EmbeddedChannel(new BackendHandler(metrics));
    ch.pipeline().fireExceptionCaught(new IOException("reset"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.connectionErrors(GatewayMetrics.UPSTREAM_SIDE, "io")).isEqualTo(1);
    assertThat(metrics.connectionErrors(GatewayMetrics.CLIENT_SIDE, "io")).isZero();
  }

  @Test
  void aTunnelsErrorIsCountedOnItsSideAndAnUnexpectedOneIsInternal() {
    EmbeddedChannel peer = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    EmbeddedChannel ch =
        new EmbeddedChannel(new TunnelHandler(peer, () -> {}, metrics, GatewayMetrics.CLIENT_SIDE));
    ch.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.connectionErrors(GatewayMetrics.CLIENT_SIDE, "internal")).isEqualTo(1);
    peer.finishAndReleaseAll();
  }
}
