package dev.pilotlight.activator.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * An HTTP/2 client connection's part of the {@link Drain}: one GOAWAY (NO_ERROR, last stream id the
 * last one the client opened, so the streams open finish and later ones are the client's to retry
 * elsewhere), then the connection closes once no stream is open. Sent when the drain starts, or, on
 * a connection that opened while draining, when its first stream ends.
 */
final class H2Drain extends ChannelInboundHandlerAdapter {
  private final Http2FrameCodec codec;
  private final Drain drain;
  private ChannelHandlerContext ctx;
  private boolean goAwaySent;

  H2Drain(Http2FrameCodec codec, Drain drain) {
    this.codec = codec;
    this.drain = drain;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    codec
        .connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamClosed(Http2Stream stream) {
                if (drain.active()) {
                  // after the codec has counted the stream out
                  ctx.executor().execute(H2Drain.this::goAway);
                }
              }
            });
    // a connection that opens while draining gets its GOAWAY when its first stream ends
  }

  /** Sends the GOAWAY once, and closes the connection if no stream is open. */
  void goAway() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (!goAwaySent) {
      goAwaySent = true;
      ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
    }
    if (codec.connection().numActiveStreams() == 0) {
      ctx.close();
    }
  }
}
