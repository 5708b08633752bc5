package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * What the HTTP/2 sides of the gateway (clients of the gateway, {@link H2Frontend}; h2c instances,
 * {@link H2Upstream}) share: bounded settings and flow-control windows.
 *
 * <p>Memory per HTTP/2 connection is bounded by flow control: a stream's peer may send at most
 * {@value #STREAM_WINDOW} bytes the proxy has not yet forwarded (a stream's bytes are read, and its
 * window re-opened, only as fast as the other side takes them), and all streams of a connection
 * together at most {@value #CONNECTION_WINDOW} bytes. The connection window is larger than one
 * stream's so that a few held or slow streams do not stall the connection's other streams.
 */
final class H2Common {
  /** Per-stream receive window (bytes): HTTP/2's default. */
  static final int STREAM_WINDOW = 65_535;

  /** Connection receive window (bytes): 256 streams' windows. */
  static final int CONNECTION_WINDOW = 16 * 1024 * 1024;

  private H2Common() {}

  /**
   * Before an HTTP/2 connection's frame codec: its streams' flushes within one event-loop iteration
   * become one. A stream's response is written and flushed when the instance's bytes are read, on
   * another channel, so without it every response of a multiplexed connection is a flush of its
   * own: a {@code write} each, and on the TLS port a TLS record and an encryption each. Flushes
   * during the connection's own read wait for its read-complete; others for a task that runs after
   * the iteration's I/O (or go at once every {@value
   * FlushConsolidationHandler#DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES} flushes).
   */
  static FlushConsolidationHandler flushConsolidation() {
    return new FlushConsolidationHandler(
        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true);
  }

  /**
   * Settings we announce: bounded header list and window, {@code maxStreams} concurrent streams.
   */
  static Http2Settings settings(int maxHeaderListBytes, long maxStreams) {
    return Http2Settings.defaultSettings()
        .maxHeaderListSize(maxHeaderListBytes)
        .initialWindowSize(STREAM_WINDOW)
        .maxConcurrentStreams(maxStreams);
  }

  /**
   * Removes the {@code x-http2-*} headers Netty's HTTP/2 to HTTP/1 conversion adds (stream id,
   * scheme...): they describe one hop and must not be forwarded.
   */
  static void stripExtensionHeaders(HttpHeaders h) {
    for (HttpConversionUtil.ExtensionHeaderNames n :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      h.remove(n.text());
    }
  }

  /**
   * Opens the connection's receive window to {@value #CONNECTION_WINDOW} bytes once the codec
   * before it is active (after the preface, as the first frame must be SETTINGS), then leaves the
   * pipeline.
   */
  static final class ConnectionWindow extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        open(ctx);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      open(ctx);
      ctx.fireChannelActive();
    }

    private static void open(ChannelHandlerContext ctx) {
      Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
      if (codec != null) {
        Http2Connection c = codec.connection();
        Http2LocalFlowController fc = c.local().flowController();
        int delta = CONNECTION_WINDOW - fc.windowSize(c.connectionStream());
        if (delta > 0) {
          try {
            fc.incrementWindowSize(c.connectionStream(), delta);
            ctx.flush();
          } catch (Http2Exception e) {
            ctx.channel().close(); // cannot happen on a new connection's window
          }
        }
      }
      ctx.pipeline().remove(ctx.handler());
    }
  }

  /**
   * Last in an HTTP/2 connection's pipeline: an error no handler took closes the connection, but
   * for an HTTP/2 connection error, which the frame codec passes on before it answers it itself
   * (GOAWAY with the error's code, then the close): closing here first would send GOAWAY NO_ERROR
   * ahead of it.
   */
  @ChannelHandler.Sharable
  static final class CloseOnError extends ChannelInboundHandlerAdapter {
    static final CloseOnError INSTANCE = new CloseOnError();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
        ctx.close();
      }
    }
  }

  /**
   * First in a client stream channel's pipeline: a stream error the frame codec found on this
   * stream (a malformed request, a frame the stream's state does not allow, its flow-control window
   * overflowed, its {@code content-length} not met) comes to the stream channel as an exception,
   * and the multiplexer resets the stream with the error's code right after. The exception is
   * counted and goes no further: a handler after this one would close the stream first, and a
   * stream channel closed on its own resets its stream with CANCEL.
   */
  @ChannelHandler.Sharable
  static final class StreamErrors extends ChannelInboundHandlerAdapter {
    private final GatewayMetrics metrics;

    StreamErrors(GatewayMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof Http2Exception) {
        ConnectionErrors.caught(metrics, GatewayMetrics.CLIENT_SIDE, ctx.channel(), cause);
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }
}
