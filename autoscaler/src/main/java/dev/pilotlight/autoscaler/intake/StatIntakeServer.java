package dev.pilotlight.autoscaler.intake;

import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The autoscaler's HTTP intake for Kubernetes mode: activator replicas POST one {@link
 * dev.pilotlight.api.spi.StatBatch} a second each, on a keep-alive connection, with a shared bearer
 * token. Stats of all replicas land in the same per-second buckets, so they sum. Bounded: request
 * bodies (1 MiB → 413), header sizes, idle connections (60 s), one I/O thread.
 */
public final class StatIntakeServer implements AutoCloseable {
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final String host;
  private final int port;
  private final byte[] token;
  private final StatSink sink;
  private final IntakeMetrics metrics = new IntakeMetrics();
  private final RecentBatches recent;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private Channel channel;

  /**
   * @param token the shared secret every request must present as {@code Authorization: Bearer}
   */
  public StatIntakeServer(String host, int port, String token, StatSink sink) {
    this(host, port, token, sink, Ticker.system());
  }

  /**
   * @param ticker time for forgetting the batches taken (duplicates are recognized for a minute)
   */
  public StatIntakeServer(String host, int port, String token, StatSink sink, Ticker ticker) {
    this.recent = new RecentBatches(ticker);
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token: empty (expected: a shared secret)");
    }
    this.host = host;
    this.port = port;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.sink = sink;
  }

  /** Binds; returns the bound port. */
  public int start() throws InterruptedException {
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("idle", new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                        .addLast("http-codec", new HttpServerCodec(4096, 8192, 8192))
                        .addLast("aggregator", new CountingAggregator(metrics))
                        .addLast("intake", new StatIntakeHandler(token, sink, metrics, recent));
                  }
                })
            .bind(new InetSocketAddress(host, port))
            .sync()
            .channel();
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The bounded aggregator, counting what it refuses as too large (it answers 413 itself). */
  private static final class CountingAggregator extends HttpObjectAggregator {
    private final IntakeMetrics metrics;

    CountingAggregator(IntakeMetrics metrics) {
      super(MAX_BODY_BYTES);
      this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(
        io.netty.channel.ChannelHandlerContext ctx,
        io.netty.handler.codec.http.HttpMessage oversized)
        throws Exception {
      metrics.tooLarge.increment();
      super.handleOversizedMessage(ctx, oversized);
    }
  }

  public IntakeMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
