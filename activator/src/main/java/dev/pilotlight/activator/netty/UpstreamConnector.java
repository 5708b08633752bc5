package dev.pilotlight.activator.netty;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.Protocol;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * Gets an exchange a channel to an instance, on the exchange's event loop, and takes it back after
 * the response: an idle pooled keep-alive connection ({@link
 * dev.pilotlight.activator.upstream.UpstreamPool}) or a new one for an HTTP/1.1 instance, a new
 * stream on a shared connection for an h2c one ({@link H2Upstream}). A connection's pipeline is its
 * response decoder ({@link Http1ResponseDecoder} on the pass-through path, Netty's client codec
 * otherwise; the two kinds are pooled apart) and a {@link BackendHandler}.
 *
 * <p>After a response, a connection goes back to the pool only when the exchange read the response
 * whole, the request went out whole, both sides said keep-alive and the instance sent nothing
 * beyond its response; anything else is closed, so a half-read response is never read as the next
 * exchange's. An h2c stream always closes (resetting it if still open).
 */
final class UpstreamConnector {
  /** Told once, on the exchange's event loop (at once for a pooled connection), how it went. */
  interface Opened {
    /**
     * @param reused it served an earlier exchange (a pooled connection, or a stream on a connection
     *     that was up already)
     */
    void connected(Channel ch, boolean reused);

    /**
     * @param overloaded every h2c connection to the instance is at its stream limit (not the
     *     instance's fault), rather than a failed connect
     */
    void failed(boolean overloaded);
  }

  private final GatewayContext gw;
  private final EventLoop loop;
  private ChannelInitializer<Channel> raw;
  private ChannelInitializer<Channel> codec;

  /**
   * @param loop the client connection's event loop, where its exchanges' channels are had too
   */
  UpstreamConnector(GatewayContext gw, EventLoop loop) {
    this.gw = gw;
    this.loop = loop;
  }

  /** A channel to {@code e}: pooled if one is idle, else new. */
  void open(Endpoint e, boolean passThrough, Opened then) {
    if (e.protocol() == Protocol.H2C) {
      openStream(e, then);
      return;
    }
    Channel pooled = gw.pool().poll(e, passThrough);
    if (pooled != null) {
      then.connected(pooled, true);
      return;
    }
    connect(e, passThrough, then);
  }

  /** A new channel to {@code e}, never a pooled one (after a kept-alive one turned out stale). */
  void openFresh(Endpoint e, boolean passThrough, Opened then) {
    if (e.protocol() == Protocol.H2C) {
      openStream(e, then);
    } else {
      connect(e, passThrough, then);
    }
  }

  /**
   * Takes back a channel whose exchange is over.
   *
   * @param reusable the response was read whole, the request sent whole, and both said keep-alive
   */
  void release(Endpoint e, Channel ch, boolean passThrough, boolean reusable) {
    BackendHandler.of(ch).bind(null);
    if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
    if (e.protocol() != Protocol.H2C && reusable && !surplus(ch, passThrough)) {
      gw.pool().offer(e, ch, passThrough);
    } else {
      ch.close(); // an h2c stream serves one exchange
    }
  }

  /**
   * Whether the instance sent bytes beyond the response it owed (pass-through connections know):
   * such a connection is out of step and never pooled.
   */
  private static boolean surplus(Channel ch, boolean passThrough) {
    return passThrough && ((Http1ResponseDecoder) ch.pipeline().first()).surplus();
  }

  private void openStream(Endpoint e, Opened then) {
    gw.h2()
        .open(
            gw,
            e,
            loop,
            (stream, outcome) -> {
              if (stream != null) {
                then.connected(stream, outcome == H2Upstream.Outcome.REUSED_CONNECTION);
              } else {
                then.failed(outcome == H2Upstream.Outcome.OVERLOADED);
              }
            });
  }

  private void connect(Endpoint e, boolean passThrough, Opened then) {
    gw.upstreamBootstrap(loop)
        .handler(initializer(passThrough))
        .connect(e.host(), e.port())
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    gw.pool().track(e, f.channel(), passThrough);
                    then.connected(f.channel(), false);
                  } else {
                    then.failed(false);
                  }
                });
  }

  private ChannelInitializer<Channel> initializer(boolean passThrough) {
    if (passThrough) {
      return raw != null ? raw : (raw = newInitializer(true));
    }
    return codec != null ? codec : (codec = newInitializer(false));
  }

  private ChannelInitializer<Channel> newInitializer(boolean passThrough) {
    int maxHeaderBytes = gw.config().maxHeaderBytes();
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline()
            .addLast(
                HandlerNames.UPSTREAM_CODEC,
                passThrough
                    ? new Http1ResponseDecoder(maxHeaderBytes)
                    : new HttpClientCodec(4096, maxHeaderBytes, 8192))
            .addLast(HandlerNames.BACKEND, new BackendHandler(gw.metrics()));
      }
    };
  }
}
