package dev.pilotlight.activator.netty;

import static dev.pilotlight.activator.H2Frames.END_HEADERS;
import static dev.pilotlight.activator.H2Frames.END_STREAM;
import static dev.pilotlight.activator.H2Frames.GOAWAY;
import static dev.pilotlight.activator.H2Frames.RST_STREAM;
import static dev.pilotlight.activator.H2Frames.block;
import static dev.pilotlight.activator.H2Frames.headers;
import static dev.pilotlight.activator.H2Frames.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.H2Frames;
import dev.pilotlight.activator.H2Frames.Frame;
import dev.pilotlight.activator.LeakCheck;
import dev.pilotlight.activator.netty.H2ServerCodec.StreamHistory.Fate;
import dev.pilotlight.activator.routing.RouteSelector;
import dev.pilotlight.activator.stats.StatReporter;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.ThrottlerRegistry;
import dev.pilotlight.activator.upstream.UpstreamPool;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.testkit.ManualTicker;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 client side on an embedded channel (the connection's whole pipeline, prior knowledge,
 * its stream channels, no sockets): which frame answers a broken rule. A request to {@link #HOST}
 * is held (its revision has no instance), so its stream stays open; one to another host is answered
 * 404 at once.
 */
class H2FrontendTest {
  final Drain drain = new Drain();

  static {
    LeakCheck.install();
  }

  private static final String HOST = "held.default.localhost";
  private static final RevisionKey REV = new RevisionKey("default", "held-00001");

  private final ManualTicker ticker = new ManualTicker();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final GatewayContext gw = context();

  private GatewayContext context() {
    GatewayConfig d = GatewayConfig.defaults("127.0.0.1", 0);
    StatSink sink =
        new StatSink() {
          @Override
          public void report(Collection<StatRecord> batch) {}

          @Override
          public void poke(RevisionKey revision) {}
        };
    RouteSelector routes = new RouteSelector(bound -> 0);
    routes.update(
        new RouteTable(
            Map.of(
                HOST, new HostRoute("default", "held", List.of(new WeightedRevision(REV, 100))))));
    RevisionThrottler throttler =
        new RevisionThrottler(10, Duration.ofSeconds(300), b -> 0, ticker);
    throttler.update(new RevisionEndpoints(REV, 0, Duration.ofSeconds(300), List.of()));
    return new GatewayContext(
        d,
        ticker,
        routes,
        new ThrottlerRegistry(k -> throttler, ticker),
        new StatReporter(ticker, sink),
        sink,
        new UpstreamPool(8),
        new H2Upstream(),
        EmbeddedChannel.class,
        metrics,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        drain);
  }

  /** A client connection after the preface and both SETTINGS frames; what it wrote is dropped. */
  private EmbeddedChannel connection() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.config().setAutoRead(false);
    GatewayInitializer.configure(ch.pipeline(), gw);
    ch.pipeline().fireChannelActive();
    channels.add(ch);
    send(ch, H2Frames.PREFACE, H2Frames.settings(), H2Frames.settingsAck());
    assertThat(written(ch)).anyMatch(f -> f.type() == H2Frames.SETTINGS);
    return ch;
  }

  private static void send(EmbeddedChannel ch, byte[]... frames) {
    ch.writeInbound(Unpooled.wrappedBuffer(H2Frames.concat(frames)));
    ch.runPendingTasks();
  }

  /** The frames the gateway wrote since the last call. */
  private static List<Frame> written(EmbeddedChannel ch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      out.writeBytes(ByteBufUtil.getBytes(b));
      b.release();
    }
    return H2Frames.parse(out.toByteArray());
  }

  private static List<Frame> resetsAndGoaways(EmbeddedChannel ch) {
    return written(ch).stream().filter(f -> f.type() == RST_STREAM || f.type() == GOAWAY).toList();
  }

  private static String codes(List<Frame> frames) {
    return frames.stream()
        .map(
            f ->
                (f.type() == GOAWAY ? "GOAWAY " : "RST_STREAM " + f.streamId() + " ")
                    + H2Frames.errorName(f.errorCode()))
        .toList()
        .toString();
  }

  private static byte[] held(int streamId, int flags) {
    return headers(streamId, flags | END_HEADERS, block(request("GET", HOST, "/")));
  }

  @AfterEach
  void closeAll() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    LeakCheck.assertNoLeaks();
  }

  @Test
  void aRequestWithoutMethodIsResetWithProtocolErrorAndItsStreamFreed() {
    EmbeddedChannel ch = connection();
    send(
        ch,
        headers(
            3,
            END_STREAM | END_HEADERS,
            block(":scheme", "http", ":path", "/", ":authority", HOST)));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[RST_STREAM 3 PROTOCOL_ERROR]");
    assertThat(ch.pipeline().get(H2ServerCodec.class).connection().numActiveStreams()).isZero();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void malformedRequestsFarOverTheConcurrencyLimitAreEachResetAndFreed() {
    EmbeddedChannel ch = connection();
    byte[] noMethod = block(":scheme", "http", ":path", "/", ":authority", HOST);
    int n = 3 * (int) H2Frontend.MAX_CONCURRENT_STREAMS / 2;
    byte[][] all = new byte[n][];
    for (int i = 0; i < n; i++) {
      all[i] = headers(2 * i + 3, END_STREAM | END_HEADERS, noMethod);
    }
    send(ch, all); // one read: the resets are flushed at its end

    List<Frame> out = resetsAndGoaways(ch);
    assertThat(out).hasSize(n).allMatch(f -> f.type() == RST_STREAM && f.errorCode() == 1);
    assertThat(ch.pipeline().get(H2ServerCodec.class).connection().numActiveStreams()).isZero();
    send(ch, held(2 * n + 3, END_STREAM));
    assertThat(ch.pipeline().get(H2ServerCodec.class).connection().numActiveStreams()).isOne();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void malformedRequestHeadsAreResetWithProtocolError() {
    String[][] heads = {
      request("GET", "user@" + HOST, "/"),
      request("GET", HOST, "http://elsewhere.default.localhost/"),
      request("GET", HOST, "/a b"),
      request("GET", HOST, "*"),
      request("G(T", HOST, "/"),
      {":method", "CONNECT", ":authority", HOST, ":path", "/"},
      request("CONNECT", HOST, "/", ":protocol", "websocket"),
      request("GET", HOST, "/", "x-test", "a\r\nx-injected: 1"),
      request("GET", HOST, "/", "x-test", "a "),
      request("GET", HOST, "/", "x test", "a"),
    };
    EmbeddedChannel ch = connection();
    for (int i = 0; i < heads.length; i++) {
      send(ch, headers(2 * i + 3, END_STREAM | END_HEADERS, block(heads[i])));
      assertThat(codes(resetsAndGoaways(ch)))
          .as(String.join(" ", heads[i]))
          .isEqualTo("[RST_STREAM " + (2 * i + 3) + " PROTOCOL_ERROR]");
    }
  }

  @Test
  void dataOnAHalfClosedStreamIsResetWithStreamClosedNotCancel() {
    EmbeddedChannel ch = connection();
    send(ch, held(3, END_STREAM), H2Frames.data(3, true, "test"));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[RST_STREAM 3 STREAM_CLOSED]");
    assertThat(metrics.connectionErrors(GatewayMetrics.CLIENT_SIDE, "protocol")).isEqualTo(1);
  }

  @Test
  void aStreamWindowOverflowIsResetWithFlowControlError() {
    EmbeddedChannel ch = connection();
    send(
        ch, held(3, 0), H2Frames.windowUpdate(3, 0x7fffffff), H2Frames.windowUpdate(3, 0x7fffffff));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[RST_STREAM 3 FLOW_CONTROL_ERROR]");
  }

  @Test
  void aConnectionWindowOverflowIsGoawayFlowControlErrorWithNoNoErrorBeforeIt() {
    EmbeddedChannel ch = connection();
    send(ch, H2Frames.windowUpdate(0, 0x7fffffff), H2Frames.windowUpdate(0, 0x7fffffff));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[GOAWAY FLOW_CONTROL_ERROR]");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void headersOnAStreamTheClientEndedIsAConnectionErrorStreamClosed() {
    EmbeddedChannel ch = connection();
    byte[] unrouted =
        headers(3, END_STREAM | END_HEADERS, block(request("GET", "nowhere.localhost", "/")));
    send(ch, unrouted);
    assertThat(written(ch)).anyMatch(f -> f.type() == H2Frames.DATA && f.has(END_STREAM));
    send(ch, unrouted);
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[GOAWAY STREAM_CLOSED]");
  }

  @Test
  void headersOnAStreamTheClientSkippedIsAConnectionErrorProtocolError() {
    EmbeddedChannel ch = connection();
    send(ch, held(7, END_STREAM), held(5, END_STREAM));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[GOAWAY PROTOCOL_ERROR]");
  }

  @Test
  void dataOnAStreamTheClientResetIsAStreamErrorOnly() {
    EmbeddedChannel ch = connection();
    send(
        ch,
        held(3, 0),
        H2Frames.rstStream(3, H2Frames.CANCEL),
        H2Frames.data(3, true, "test"),
        H2Frames.ping(false, new byte[8]));
    assertThat(codes(resetsAndGoaways(ch))).isEqualTo("[RST_STREAM 3 STREAM_CLOSED]");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void theHistoryKeepsTheNewestStreamsAndForgetsTheRest() {
    H2ServerCodec.StreamHistory h = new H2ServerCodec.StreamHistory(4);
    assertThat(h.fate(1)).isEqualTo(Fate.UNKNOWN);
    h.opened(1, true);
    h.opened(3, false);
    h.opened(7, false);
    h.ended(7);
    h.resetByUs(7); // ended first: any frame after the client's END_STREAM is the error
    h.refused(9);
    assertThat(h.fate(1)).isEqualTo(Fate.ENDED);
    assertThat(h.fate(3)).isEqualTo(Fate.RESET_BY_CLIENT);
    assertThat(h.fate(5)).isEqualTo(Fate.NEVER_OPENED);
    assertThat(h.fate(7)).isEqualTo(Fate.ENDED);
    assertThat(h.fate(9)).isEqualTo(Fate.RESET_BY_US);
    h.opened(9, true); // known already: unchanged
    assertThat(h.fate(9)).isEqualTo(Fate.RESET_BY_US);
    h.opened(13, false); // 1 goes
    h.resetByUs(13);
    assertThat(h.fate(13)).isEqualTo(Fate.RESET_BY_US);
    assertThat(h.fate(1)).isEqualTo(Fate.UNKNOWN);
    assertThat(h.fate(11)).isEqualTo(Fate.NEVER_OPENED);
    h.opened(15, false); // 3 goes: 5 is still between what is kept
    assertThat(h.fate(3)).isEqualTo(Fate.UNKNOWN);
    assertThat(h.fate(5)).isEqualTo(Fate.NEVER_OPENED);
    h.opened(17, false); // 7 goes
    assertThat(h.fate(5)).isEqualTo(Fate.UNKNOWN);
    assertThat(h.fate(7)).isEqualTo(Fate.UNKNOWN);
    assertThat(h.fate(17)).isEqualTo(Fate.RESET_BY_CLIENT);
  }

  @Test
  void malformedFieldsAreNamed() {
    assertThat(H2ServerCodec.malformedFields(new DefaultHttp2Headers(false).add("x", "a\0b")))
        .contains("NUL, CR or LF");
    assertThat(H2ServerCodec.malformedFields(new DefaultHttp2Headers(false).add("x", "ok ok")))
        .isNull();
  }
}
