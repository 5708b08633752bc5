package dev.pilotlight.cli.sample;

import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.cli.DurationConverter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A tiny HTTP app following Knative's runtime contract: listens on {@code $PORT} once its startup
 * delay has passed (so the default TCP readiness check sees it only then) and answers every request
 * with its {@code $K_REVISION}, so a traffic split is visible with curl.
 *
 * <p>Each response carries {@code X-Sample-Ready-Age-Us}: microseconds from the moment the app had
 * fully answered its first request (its readiness probe, when it has an HTTP one) to the arrival of
 * this request at its handler (0 if it arrived before that first answer was complete). For the
 * request that was held while the app started, that is how long the platform took from "ready" to
 * delivering it, measured with one clock inside the app.
 */
@Command(
    name = "sample-app",
    mixinStandardHelpOptions = true,
    description = "Run the sample HTTP app (listens on $PORT, answers with $K_REVISION).")
public final class SampleAppCommand implements Callable<Integer> {

  @Option(
      names = "--startup-delay",
      converter = DurationConverter.class,
      defaultValue = "0s",
      description = "Time before the app starts listening, e.g. 2s (default: ${DEFAULT-VALUE}).")
  Duration startupDelay;

  @Option(
      names = "--latency",
      converter = DurationConverter.class,
      defaultValue = "0s",
      description = "Time each response is delayed, e.g. 50ms (default: ${DEFAULT-VALUE}).")
  Duration latency;

  @Option(names = "--port", description = "Port to listen on (default: $PORT, else 8080).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    int listenPort =
        port != null ? port : Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    String revision = System.getenv().getOrDefault("K_REVISION", "unknown");
    String instanceClass = System.getenv().getOrDefault("PILOTLIGHT_INSTANCE_CLASS", "standard");
    if (!startupDelay.isZero()) {
      Thread.sleep(
          startupDelay.toMillis()); // the app's simulated initialisation, before it listens
    }
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    App app =
        new App(
            Ticker.system(),
            latency,
            ("Hello from " + revision + " (" + instanceClass + ")\n")
                .getBytes(StandardCharsets.UTF_8),
            revision);
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new Handler(app));
                  }
                })
            .bind("127.0.0.1", listenPort)
            .sync()
            .channel();
    System.out.println("sample-app " + revision + " listening on 127.0.0.1:" + listenPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close().awaitUninterruptibly();
                  app.awaitIdle(Duration.ofSeconds(1)); // finish in-flight requests, up to 1 s
                  group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
                  stopped.countDown();
                },
                "sample-shutdown"));
    stopped.await();
    return 0;
  }

  /** State shared by the app's connections. */
  static final class App {
    final Ticker ticker;
    final Duration latency;
    final ByteBuf body;
    final String revision;
    final AtomicLong readyAt = new AtomicLong();
    final AtomicInteger inFlight = new AtomicInteger();

    App(Ticker ticker, Duration latency, byte[] body, String revision) {
      this.ticker = ticker;
      this.latency = latency;
      this.body = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(body));
      this.revision = revision;
    }

    void awaitIdle(Duration limit) {
      long end = ticker.nanoTime() + limit.toNanos();
      while (inFlight.get() > 0 && ticker.nanoTime() < end) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Answers each request once its body has been read (and discarded), after the latency. */
  static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final App app;
    private long arrived;
    private boolean keepAlive;

    Handler(App app) {
      this.app = app;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest request) {
        arrived = app.ticker.nanoTime();
        keepAlive = HttpUtil.isKeepAlive(request);
        app.inFlight.incrementAndGet();
      }
      if (msg instanceof LastHttpContent) {
        long first = app.readyAt.get();
        long ageMicros = first == 0 ? 0 : (arrived - first) / 1_000;
        FullHttpResponse response =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, app.body.retainedDuplicate());
        response
            .headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
            .set("X-Revision", app.revision)
            .set("X-Sample-Ready-Age-Us", Long.toString(ageMicros))
            .setInt(HttpHeaderNames.CONTENT_LENGTH, app.body.readableBytes());
        boolean close = !keepAlive;
        if (close) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        Runnable answer =
            () ->
                ctx.writeAndFlush(response)
                    .addListener(
                        f -> {
                          app.inFlight.decrementAndGet();
                          // ready: the app has fully answered a request (its readiness probe,
                          // when it has an HTTP one)
                          app.readyAt.compareAndSet(0, app.ticker.nanoTime());
                          if (close) {
                            ctx.close();
                          }
                        });
        if (app.latency.isZero()) {
          answer.run();
        } else {
          ctx.executor().schedule(answer, app.latency.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
