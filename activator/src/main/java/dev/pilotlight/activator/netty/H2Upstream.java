package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.api.spi.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 cleartext (prior knowledge) to instances whose port is named {@code h2c}: a few
 * multiplexed connections per instance and event loop, a new stream per request. Like {@link
 * dev.pilotlight.activator.upstream.UpstreamPool}, the state is per event loop, so no locks: a
 * client connection only opens streams on connections of its own loop.
 *
 * <p>A stream's pipeline turns {@code HttpObject}s into frames and back ({@link
 * Http2StreamFrameToHttpObjectCodec}), so {@link ProxyExchange} drives it exactly like a pooled
 * HTTP/1.1 connection through a {@link BackendHandler}: the response head, its body, and its
 * trailers as the last content's trailing headers (gRPC's {@code grpc-status}). Requests carry
 * {@code te: trailers}, which gRPC servers expect and which the gateway honours: it passes trailers
 * on to HTTP/2 clients as trailers and to HTTP/1.1 clients as chunked trailers. A stream serves one
 * exchange and is closed after it (a reset if it is still open: the exchange was cut).
 *
 * <p>Bounds: a connection takes at most {@value #MAX_STREAMS_PER_CONNECTION} streams, or fewer if
 * the instance says so in its SETTINGS; past that a new connection is made, up to {@value
 * #MAX_CONNECTIONS_PER_INSTANCE} per instance and event loop, and then opening fails as {@link
 * Outcome#OVERLOADED} (the exchange answers 503 with {@code Retry-After}; the instance is not
 * ejected, unlike after a failed connect). Streams opened before the instance's SETTINGS arrive
 * that go past its limit wait in Netty's stream-buffering encoder, bounded by the same
 * per-connection limit. Response headers are bounded by the gateway's header limit; windows as in
 * {@link H2Common}. A connection the instance closes or sends GOAWAY on takes no new streams (a
 * request refused by GOAWAY before any response byte is retried like one on a stale keep-alive
 * connection). Connections without streams stay open, like idle pooled HTTP/1.1 connections, until
 * the instance closes them.
 */
public final class H2Upstream {
  static final int MAX_STREAMS_PER_CONNECTION = 256;
  static final int MAX_CONNECTIONS_PER_INSTANCE = 16;

  /** How opening a stream went. */
  enum Outcome {
    /** A stream on a connection that was already up. */
    REUSED_CONNECTION,
    /** A stream on a connection made for it (or while it was made). */
    NEW_CONNECTION,
    /** No stream: the connection could not be made, or was lost before the stream opened. */
    CONNECT_FAILED,
    /** No stream: every connection to the instance on this loop is at its stream limit. */
    OVERLOADED
  }

  /** Told once, on the exchange's event loop, how opening a stream went. */
  interface Opened {
    /**
     * @param stream the new stream, or null when none could be opened
     * @param outcome how it went
     */
    void opened(Channel stream, Outcome outcome);
  }

  private final FastThreadLocal<Map<Endpoint, List<Conn>>> conns =
      new FastThreadLocal<>() {
        @Override
        protected Map<Endpoint, List<Conn>> initialValue() {
          return new HashMap<>();
        }
      };

  /** Opens a stream to {@code e} on the calling event loop {@code loop}. */
  void open(GatewayContext gw, Endpoint e, EventLoop loop, Opened then) {
    List<Conn> list = conns.get().computeIfAbsent(e, k -> new ArrayList<>(2));
    for (Conn c : list) {
      if (c.hasRoom()) {
        c.open(then);
        return;
      }
    }
    if (list.size() >= MAX_CONNECTIONS_PER_INSTANCE) {
      then.opened(null, Outcome.OVERLOADED);
      return;
    }
    Conn c = new Conn(e);
    list.add(c);
    c.open(then); // waits for the connection; a connect failing at once finds it waiting
    c.connect(gw, loop);
  }

  private void forget(Conn c) {
    List<Conn> list = conns.get().get(c.endpoint);
    if (list != null && list.remove(c) && list.isEmpty()) {
      conns.get().remove(c.endpoint);
    }
  }

  /** One HTTP/2 connection to an instance. */
  private final class Conn {
    final Endpoint endpoint;
    Channel channel;
    Http2Connection http2;
    boolean up;
    boolean dead;

    /** Streams open or being opened on this connection. */
    int streams;

    /** Opens asked for while connecting. */
    final ArrayDeque<Opened> waiting = new ArrayDeque<>();

    /** The gateway's metrics, for the streams' {@link BackendHandler}s; set on connect. */
    GatewayMetrics metrics;

    Conn(Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    boolean hasRoom() {
      if (dead || (up && (!channel.isActive() || http2.goAwayReceived()))) {
        return false;
      }
      int limit = MAX_STREAMS_PER_CONNECTION;
      if (up) {
        limit = Math.min(limit, http2.local().maxActiveStreams());
      }
      return streams < limit;
    }

    void connect(GatewayContext gw, EventLoop loop) {
      metrics = gw.metrics();
      Http2FrameCodec codec =
          Http2FrameCodecBuilder.forClient()
              .initialSettings(
                  H2Common.settings(gw.config().maxHeaderBytes(), MAX_STREAMS_PER_CONNECTION)
                      .pushEnabled(false))
              .encoderEnforceMaxConcurrentStreams(true)
              .validateHeaders(true)
              .gracefulShutdownTimeoutMillis(0)
              .build();
      http2 = codec.connection();
      gw.upstreamBootstrap(loop)
          .handler(
              new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline()
                      .addLast(HandlerNames.H2_FLUSHES, H2Common.flushConsolidation())
                      .addLast(HandlerNames.H2_CODEC, codec)
                      // the instance cannot push (disabled): no inbound streams to handle
                      .addLast(
                          HandlerNames.H2_MULTIPLEX,
                          new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()))
                      .addLast(new H2Common.ConnectionWindow())
                      .addLast(
                          new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                              // after the codec sent the preface: streams may go now (the
                              // connect future is told earlier, before the preface)
                              ctx.fireChannelActive();
                              ctx.pipeline().remove(this);
                              up(ctx.channel());
                            }
                          })
                      .addLast(H2Common.CloseOnError.INSTANCE);
                }
              })
          .connect(endpoint.host(), endpoint.port())
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    channel = f.channel();
                    channel.closeFuture().addListener(x -> died());
                    if (!f.isSuccess()) {
                      died();
                    }
                  });
    }

    private void up(Channel ch) {
      if (dead) {
        return;
      }
      channel = ch;
      up = true;
      Opened o;
      while ((o = waiting.poll()) != null) {
        openStream(o, Outcome.NEW_CONNECTION);
      }
    }

    void open(Opened then) {
      streams++;
      if (!up) {
        waiting.add(then);
        return;
      }
      openStream(then, Outcome.REUSED_CONNECTION);
    }

    private void openStream(Opened then, Outcome outcome) {
      new Http2StreamChannelBootstrap(channel)
          .handler(
              new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel ch) {
                  ch.pipeline()
                      .addLast(
                          HandlerNames.UPSTREAM_CODEC, new Http2StreamFrameToHttpObjectCodec(false))
                      .addLast(HandlerNames.H2_ADAPTER, new StreamAdapter())
                      .addLast(HandlerNames.BACKEND, new BackendHandler(metrics));
                }
              })
          .open()
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  Http2StreamChannel s = (Http2StreamChannel) f.getNow();
                  s.closeFuture().addListener(x -> streams--);
                  then.opened(s, outcome);
                } else {
                  streams--;
                  then.opened(null, Outcome.CONNECT_FAILED);
                }
              });
    }

    private void died() {
      if (dead) {
        return;
      }
      dead = true;
      forget(this);
      Opened o;
      while ((o = waiting.poll()) != null) {
        streams--;
        o.opened(null, Outcome.CONNECT_FAILED);
      }
    }
  }

  /**
   * On an upstream stream, after the codec: {@code te: trailers} on the request; no {@code
   * x-http2-*} conversion headers on the response and its trailers.
   */
  static final class StreamAdapter extends ChannelDuplexHandler {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpRequest r) {
        r.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
      }
      ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse r) {
        H2Common.stripExtensionHeaders(r.headers());
      }
      if (msg instanceof LastHttpContent last) {
        H2Common.stripExtensionHeaders(last.trailingHeaders());
      }
      ctx.fireChannelRead(msg);
    }
  }
}
