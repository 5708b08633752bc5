package dev.pilotlight.activator.probe;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.ReadinessProbe;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one readiness probe over a new connection on a given event loop: a TCP connect, or an HTTP
 * GET of the probe's path expecting a 2xx status head (the body is not read; HTTP/1.1 instances
 * only, an h2c instance is probed by TCP). Connect and response together are bounded by the
 * timeout; the connection is closed when the probe ends, either way.
 */
final class ProbeClient {
  static final String USER_AGENT = "pilotlight-probe";

  private final Class<? extends Channel> channelType;
  private final long timeoutNanos;

  ProbeClient(Class<? extends Channel> channelType, Duration timeout) {
    this.channelType = channelType;
    this.timeoutNanos = timeout.toNanos();
  }

  /** Probes {@code endpoint}; {@code done} is called exactly once, on {@code loop}. */
  void probe(EventLoop loop, Endpoint endpoint, ReadinessProbe target, Consumer<Boolean> done) {
    // an h2c instance gets a TCP probe: its HTTP/2 readiness GET is left to the runtime
    boolean http = target.isHttp() && endpoint.protocol() == Protocol.HTTP1;
    Promise<Boolean> result = loop.newPromise();
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(channelType)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos)))
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (http) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec(4096, 8192, 8192))
                          .addLast(new StatusHandler(result));
                    }
                  }
                })
            .connect(endpoint.host(), endpoint.port());
    Channel ch = connect.channel();
    ScheduledFuture<?> timer =
        loop.schedule(() -> result.trySuccess(false), timeoutNanos, TimeUnit.NANOSECONDS);
    result.addListener(
        f -> {
          timer.cancel(false);
          ch.close(); // also cancels a connect still pending
          done.accept(Boolean.TRUE.equals(f.getNow()));
        });
    connect.addListener(
        (ChannelFutureListener)
            f -> {
              if (!f.isSuccess()) {
                result.trySuccess(false);
              } else if (!http) {
                result.trySuccess(true);
              } else {
                DefaultFullHttpRequest get =
                    new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1,
                        HttpMethod.GET,
                        target.httpPath(),
                        Unpooled.EMPTY_BUFFER);
                get.headers()
                    .set(HttpHeaderNames.HOST, endpoint.host() + ":" + endpoint.port())
                    .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                f.channel()
                    .writeAndFlush(get)
                    .addListener(
                        w -> {
                          if (!w.isSuccess()) {
                            result.trySuccess(false);
                          }
                        });
              }
            });
  }

  /** Completes the probe with the response's status: 2xx is ready; anything else is not. */
  private static final class StatusHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Promise<Boolean> result;

    StatusHandler(Promise<Boolean> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        result.trySuccess(response.decoderResult().isSuccess() && code >= 200 && code < 300);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.trySuccess(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.trySuccess(false);
      ctx.close();
    }
  }
}
