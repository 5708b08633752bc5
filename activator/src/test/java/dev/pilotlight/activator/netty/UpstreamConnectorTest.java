package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.TestGateway;
import dev.pilotlight.activator.routing.RouteSelector;
import dev.pilotlight.activator.stats.StatReporter;
import dev.pilotlight.activator.throttle.ThrottlerRegistry;
import dev.pilotlight.activator.upstream.UpstreamPool;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.testkit.ManualTicker;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lending and taking back channels to instances, with embedded channels in the pool (a connect on
 * an embedded event loop cannot succeed, so a new connection shows as a failed connect).
 */
class UpstreamConnectorTest {
  static final Endpoint E = new Endpoint("i1", "127.0.0.1", 9, InstanceClass.STANDARD);

  final ManualTicker ticker = new ManualTicker();
  final UpstreamPool pool = new UpstreamPool(8);
  final GatewayMetrics metrics = new GatewayMetrics();
  final EmbeddedChannel client = new EmbeddedChannel();
  final UpstreamConnector connector = new UpstreamConnector(context(), client.eventLoop());
  final List<String> told = new ArrayList<>();
  final List<EmbeddedChannel> channels = new ArrayList<>();

  GatewayContext context() {
    return new GatewayContext(
        GatewayConfig.defaults("127.0.0.1", 0),
        ticker,
        new RouteSelector(b -> 0),
        new ThrottlerRegistry(k -> null, ticker),
        new StatReporter(ticker, TestGateway.NO_STATS),
        TestGateway.NO_STATS,
        pool,
        new H2Upstream(),
        EmbeddedChannel.class,
        metrics,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        new Drain());
  }

  final UpstreamConnector.Opened recorder =
      new UpstreamConnector.Opened() {
        @Override
        public void connected(Channel ch, boolean reused) {
          told.add((reused ? "reused " : "new ") + ch.id().asShortText());
        }

        @Override
        public void failed(boolean overloaded) {
          told.add(overloaded ? "overloaded" : "connect failed");
        }
      };

  /** An upstream channel as the connector builds them, with what it decodes kept aside. */
  EmbeddedChannel upstream(boolean passThrough) {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline()
        .addLast(
            HandlerNames.UPSTREAM_CODEC,
            passThrough
                ? new Http1ResponseDecoder(16 * 1024)
                : new io.netty.handler.codec.http.HttpClientCodec())
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
              }
            })
        .addLast(HandlerNames.BACKEND, new BackendHandler(metrics));
    channels.add(ch);
    return ch;
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    client.finishAndReleaseAll();
  }

  @Test
  void open_lendsAnIdlePooledConnectionOfItsKindAsReused() {
    EmbeddedChannel raw = upstream(true);
    pool.offer(E, raw, true);
    connector.open(E, false, recorder); // a codec connection is wanted: none idle
    connector.open(E, true, recorder);
    assertThat(told).containsExactly("connect failed", "reused " + raw.id().asShortText());
    assertThat(pool.idle(E)).isZero();
  }

  @Test
  void openFresh_neverLendsAPooledOne() {
    pool.offer(E, upstream(true), true);
    connector.openFresh(E, true, recorder);
    assertThat(told).containsExactly("connect failed");
    assertThat(pool.idle(E)).isEqualTo(1);
  }

  @Test
  void release_reusable_goesBackToThePool_elseIsClosed() {
    EmbeddedChannel kept = upstream(false);
    EmbeddedChannel spent = upstream(false);
    connector.release(E, kept, false, true);
    connector.release(E, spent, false, false);
    assertThat(kept.isActive()).isTrue();
    assertThat(spent.isActive()).isFalse();
    assertThat(pool.poll(E, false)).isSameAs(kept);
  }

  @Test
  void release_ofAConnectionThatSentMoreThanItsResponse_closesIt() {
    EmbeddedChannel ch = upstream(true);
    ((Http1ResponseDecoder) ch.pipeline().first()).expect(false);
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
            StandardCharsets.US_ASCII));
    connector.release(E, ch, true, true);
    assertThat(ch.isActive()).as("out of step with its instance: never pooled").isFalse();
    assertThat(pool.idle(E)).isZero();
  }
}
