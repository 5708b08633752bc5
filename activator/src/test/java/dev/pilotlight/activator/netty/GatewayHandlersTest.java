package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.LeakCheck;
import dev.pilotlight.activator.ProxyError;
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
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client-side handlers on an embedded channel with frozen time: holding and its deadline, the
 * queue bound, and the request limits, each answered with its one status, without sockets.
 */
class GatewayHandlersTest {
  final Drain drain = new Drain();

  static {
    LeakCheck.install();
  }

  private static final String HOST = "hello.default.localhost";
  private static final RevisionKey REV = new RevisionKey("default", "hello-00001");

  private final ManualTicker ticker = new ManualTicker();
  private final AtomicInteger pokes = new AtomicInteger();
  private final Map<RevisionKey, RevisionThrottler> throttlers = new ConcurrentHashMap<>();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private GatewayContext gw = context(2);

  private GatewayContext context(int maxHeld) {
    GatewayConfig d = GatewayConfig.defaults("127.0.0.1", 0);
    GatewayConfig config =
        new GatewayConfig(
            d.bindHost(),
            0,
            maxHeld,
            1024,
            256,
            d.upstreamConnectTimeout(),
            d.statInterval(),
            1,
            d.drainGrace(),
            Transport.AUTO,
            d.clientLimits());
    StatSink sink =
        new StatSink() {
          @Override
          public void report(Collection<StatRecord> batch) {}

          @Override
          public void poke(RevisionKey revision) {
            pokes.incrementAndGet();
          }
        };
    RouteSelector routes = new RouteSelector(bound -> 0);
    routes.update(
        new RouteTable(
            Map.of(
                HOST, new HostRoute("default", "hello", List.of(new WeightedRevision(REV, 100))))));
    return new GatewayContext(
        config,
        ticker,
        routes,
        new ThrottlerRegistry(
            k ->
                throttlers.computeIfAbsent(
                    k,
                    r -> new RevisionThrottler(maxHeld, Duration.ofSeconds(300), b -> 0, ticker)),
            ticker),
        new StatReporter(ticker, sink),
        sink,
        new UpstreamPool(8),
        new H2Upstream(),
        EmbeddedChannel.class,
        metrics,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
        drain);
  }

  /** Decoded messages the flow control handler has let through to the proxy. */
  private final AtomicInteger passed = new AtomicInteger();

  private EmbeddedChannel client() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.config().setAutoRead(false);
    GatewayInitializer.configure(ch.pipeline(), gw);
    ch.pipeline()
        .addAfter(
            HandlerNames.FLOW_CONTROL,
            "count",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.incrementAndGet();
                ctx.fireChannelRead(msg);
              }
            });
    ch.pipeline().fireChannelActive();
    channels.add(ch);
    return ch;
  }

  private static void send(EmbeddedChannel ch, String raw) {
    ch.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
  }

  /** Everything the gateway wrote to the client so far, as text. */
  private static String written(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  private void atZero(Duration timeout) {
    throttlers
        .computeIfAbsent(
            REV,
            r -> new RevisionThrottler(gw.config().maxHeldPerRevision(), timeout, b -> 0, ticker))
        .update(new RevisionEndpoints(REV, 0, timeout, List.of()));
  }

  @AfterEach
  void closeAll() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
    LeakCheck.assertNoLeaks();
  }

  /** Lets {@code seconds} pass on the gateway's ticker and the channel's clock, and runs timers. */
  private void elapse(EmbeddedChannel ch, long seconds) {
    ticker.advanceSeconds(seconds);
    ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void aSlowRequestHeadIsAnswered408WhenTheHeaderTimeoutPassesSinceTheAccept() {
    EmbeddedChannel ch = client();
    String head = "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n";
    for (int i = 0; i < 29; i++) {
      send(ch, head.substring(i % head.length(), i % head.length() + 1)); // a byte a second
      elapse(ch, 1);
    }
    assertThat(ch.isActive()).isTrue();
    elapse(ch, 1);
    assertThat(written(ch))
        .startsWith("HTTP/1.1 408 Request Timeout\r\n")
        .contains("Connection: close")
        .endsWith("request head not received within 30 s\n");
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.clientTimeouts("header")).isEqualTo(1);
    assertThat(metrics.snapshot().errors().get(ProxyError.REQUEST_HEAD_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aConnectionThatSendsNothingIsClosedWithoutAnAnswerAtTheHeaderTimeout() {
    EmbeddedChannel ch = client();
    elapse(ch, 29);
    assertThat(ch.isActive()).isTrue();
    elapse(ch, 1);
    assertThat(written(ch)).isEmpty();
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.clientTimeouts("header")).isEqualTo(1);
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAtTheKeepAliveTimeoutAndTheNextHeadHasItsOwn() {
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 404 ");
    elapse(ch, 70);
    send(ch, "GET / HTTP/1.1\r\n"); // the next request begins 70 s later, slowly
    elapse(ch, 29);
    assertThat(ch.isActive()).isTrue(); // its header timeout runs from its first byte
    elapse(ch, 1);
    assertThat(written(ch)).startsWith("HTTP/1.1 408 ");
    assertThat(ch.isActive()).isFalse();

    EmbeddedChannel idle = client();
    send(idle, "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n");
    assertThat(written(idle)).startsWith("HTTP/1.1 404 ");
    elapse(idle, 74);
    assertThat(idle.isActive()).isTrue();
    elapse(idle, 1);
    assertThat(idle.isActive()).isFalse();
    assertThat(written(idle)).isEmpty();
    assertThat(metrics.clientTimeouts("idle")).isEqualTo(1);
  }

  @Test
  void aHeldRequestsUnreadBodyIsNotTimedOut() {
    atZero(Duration.ofSeconds(300));
    EmbeddedChannel ch = client();
    send(ch, "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 10\r\n\r\n");
    elapse(ch, 200); // well past the body timeout: the gateway is not asking for the body
    assertThat(ch.isActive()).isTrue();
    assertThat(written(ch)).isEmpty();
    assertThat(throttlers.get(REV).queued()).isEqualTo(1);
    assertThat(metrics.clientTimeouts("body")).isZero();
  }

  @Test
  void aBodyThatStallsWhileTheGatewayReadsItClosesTheConnectionAtTheBodyTimeout() {
    EmbeddedChannel ch = client();
    send(ch, "POST / HTTP/1.1\r\nHost: nowhere.example\r\nContent-Length: 100\r\n\r\n0123456789");
    assertThat(written(ch)).startsWith("HTTP/1.1 404 "); // answered; the body is being dropped
    elapse(ch, 30);
    send(ch, "0123456789"); // progress restarts the clock
    elapse(ch, 59);
    assertThat(ch.isActive()).isTrue();
    elapse(ch, 1);
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.clientTimeouts("body")).isEqualTo(1);
  }

  @Test
  void aHeldRequestIsAnswered503WhenItsDeadlinePassesAndGivesBackNothing() {
    atZero(Duration.ofSeconds(10));
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

    assertThat(written(ch)).isEmpty();
    assertThat(pokes.get()).isEqualTo(1);
    assertThat(throttlers.get(REV).queued()).isEqualTo(1);

    ch.advanceTimeBy(9, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch)).isEmpty();

    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    String response = written(ch);
    assertThat(response)
        .startsWith("HTTP/1.1 503 ")
        .contains("retry-after: 1")
        .endsWith(ProxyError.HOLD_TIMEOUT.reason() + "\n");
    assertThat(throttlers.get(REV).queued()).isZero();
    assertThat(metrics.snapshot().errors().get(ProxyError.HOLD_TIMEOUT)).isEqualTo(1);
    assertThat(metrics.inFlight()).isZero();
    assertThat(ch.isActive()).isTrue(); // keep-alive: the next request is read
  }

  @Test
  void aHeldRequestsDeadline503SaysWhyTheRevisionHadNothingToServe() {
    atZero(Duration.ofSeconds(10));
    String problem = "ErrImagePull: failed to pull image \"example.com/app:1\"; retrying in 800ms";
    throttlers
        .get(REV)
        .update(
            new RevisionEndpoints(
                REV,
                0,
                Duration.ofSeconds(10),
                null,
                null,
                List.of(),
                List.of(),
                null,
                null,
                problem));
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch))
        .startsWith("HTTP/1.1 503 ")
        .endsWith(ProxyError.HOLD_TIMEOUT.reason() + ": revision " + REV + ": " + problem + "\n");
    assertThat(metrics.snapshot().errors().get(ProxyError.HOLD_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aHeldRequestsBodyStaysUnreadUntilItIsServedOrRefused() {
    atZero(Duration.ofSeconds(5));
    EmbeddedChannel ch = client();
    send(
        ch,
        "POST / HTTP/1.1\r\nHost: "
            + HOST
            + "\r\nContent-Length: 10\r\n\r\n0123456789"
            + "GET /next HTTP/1.1\r\nHost: nowhere.example\r\n\r\n");
    assertThat(passed.get()).isEqualTo(1); // the head only: the body and the next request wait

    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    String response = written(ch);
    // the refused request's body is dropped, then the pipelined request is answered in order
    assertThat(response).startsWith("HTTP/1.1 503 ").contains("HTTP/1.1 404 ");
    assertThat(response.indexOf("503")).isLessThan(response.indexOf("404"));
    // head, body, then the next request's head (bodyless: on the pass-through path, its head alone)
    assertThat(passed.get()).isEqualTo(3);
  }

  @Test
  void aFullHoldingQueueIsRefusedAtOnceWithRetryAfter() {
    gw = context(1);
    atZero(Duration.ofSeconds(60));
    EmbeddedChannel first = client();
    EmbeddedChannel second = client();
    send(first, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    send(second, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");

    assertThat(written(first)).isEmpty();
    assertThat(written(second))
        .startsWith("HTTP/1.1 503 ")
        .contains("retry-after: 1")
        .endsWith(ProxyError.QUEUE_FULL.reason() + "\n");
    assertThat(metrics.snapshot().errors().get(ProxyError.QUEUE_FULL)).isEqualTo(1);
  }

  @Test
  void aClientThatGoesAwayWhileHeldLeavesTheQueue() {
    atZero(Duration.ofSeconds(60));
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    assertThat(throttlers.get(REV).queued()).isEqualTo(1);
    ch.close();
    assertThat(throttlers.get(REV).queued()).isZero();
    assertThat(metrics.inFlight()).isZero();
    // nothing of the connection stays scheduled (its exchanges' deadline timer included)
    assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1L);
  }

  @Test
  void limitsAndRefusalsEachHaveOneStatus() {
    assertThat(statusOf("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"))
        .isEqualTo(414);
    assertThat(
            statusOf(
                "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n"))
        .isEqualTo(431);
    assertThat(statusOf("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: x\r\n\r\n"))
        .isEqualTo(400);
    assertThat(statusOf("GET / HTTP/1.1\r\nHost: other.example\r\n\r\n")).isEqualTo(404);
    assertThat(statusOf("GET http://other.example/ HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"))
        .isEqualTo(404);
    assertThat(statusOf("CONNECT other.example:443 HTTP/1.1\r\nHost: other.example\r\n\r\n"))
        .isEqualTo(405);
    assertThat(metrics.inFlight()).isZero();
  }

  @Test
  void aRequestThePassThroughDoesNotServeGoesToTheCodecAfterThoseBeforeIt() {
    EmbeddedChannel ch = client();
    send(
        ch,
        "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: second.example\r\nConnection: X-Drop\r\n\r\n"
            + "GET / HTTP/1.0\r\nHost: third.example\r\n\r\n");
    String response = written(ch);
    assertThat(response)
        .startsWith("HTTP/1.1 404 ")
        .contains("nowhere.example")
        .contains("HTTP/1.0 404 ");
    assertThat(response.indexOf("nowhere.example"))
        .isLessThan(response.indexOf("second.example"))
        .isLessThan(response.indexOf("third.example"));
    assertThat(ch.isActive()).isFalse(); // HTTP/1.0 without keep-alive
  }

  @Test
  void theCodecTakesTheConnectionFromTheFirstRequestThePassThroughDoesNotServe() {
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 404 ");
    assertThat(ch.pipeline().get(HandlerNames.HTTP1_DECODER)).isNotNull();
    send(ch, "GET / HTTP/1.1\r\nHost: nowhere.example\r\nConnection: X-Drop\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 404 ");
    assertThat(ch.pipeline().get(HandlerNames.HTTP1_DECODER)).isNull();
    assertThat(ch.pipeline().get(HandlerNames.HTTP_CODEC)).isNotNull();
    assertThat(ch.pipeline().get(HandlerNames.H2C_UPGRADE)).isNull(); // not the first request
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aHeadRequestRefusedOnThePassThroughGetsNoBody() {
    EmbeddedChannel ch = client();
    send(ch, "HEAD / HTTP/1.1\r\nHost: nowhere.example\r\n\r\n");
    String response = written(ch);
    assertThat(response)
        .startsWith("HTTP/1.1 404 ")
        .contains("content-length: ")
        .endsWith("\r\n\r\n");
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void aMalformedChunkClosesTheConnectionAndNothingBehindItIsRead() {
    EmbeddedChannel ch = client();
    send(
        ch,
        "POST / HTTP/1.1\r\nHost: nowhere.example\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "zz\r\n\r\nGET / HTTP/1.1\r\nHost: "
            + HOST
            + "\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 404 ").doesNotContain("HTTP/1.1 503");
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.inFlight()).isZero();
  }

  @Test
  void aRefusedRequestsChunkedBodyIsDroppedThenTheNextIsAnswered() {
    EmbeddedChannel ch = client();
    send(
        ch,
        "POST / HTTP/1.1\r\nHost: nowhere.example\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3\r\nabc\r\n0\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: other.example\r\n\r\n");
    String response = written(ch);
    assertThat(response).startsWith("HTTP/1.1 404 ").contains("other.example");
    assertThat(response.indexOf("HTTP/1.1 404", 1)).isPositive();
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void twoHostHeadersOrNoneOnHttp11Are400() {
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/1.1\r\nHost: " + HOST + "\r\nHost: other.example\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 400 ").contains("more than one Host header");
    assertThat(statusOf("GET / HTTP/1.1\r\n\r\n")).isEqualTo(400);
    EmbeddedChannel http10 = client();
    send(http10, "GET / HTTP/1.0\r\n\r\n"); // HTTP/1.0 may leave Host out: no route for none
    assertThat(written(http10)).startsWith("HTTP/1.0 404 ");
    assertThat(metrics.inFlight()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Transfer_Encoding: chunked",
        "Content_Length: 3",
        "transfer_encoding: chunked",
        "X_Forwarded_For: 10.0.0.1",
        "Connection_: close",
      })
  void aHeaderNameThatReadsAsAFramingOrGatewayHeaderWithUnderscoresIs400(String header) {
    EmbeddedChannel ch = client();
    send(
        ch,
        "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\n" + header + "\r\n\r\nabc");
    String response = written(ch);
    if (header.startsWith("Connection_")) {
      // no header reads so: served as any other header would be (held here: nothing ready)
      assertThat(response).isEmpty();
      return;
    }
    assertThat(response)
        .startsWith("HTTP/1.1 400 ")
        .contains("header name \"" + header.substring(0, header.indexOf(':')) + "\"");
    assertThat(throttlers.containsKey(REV)).isFalse(); // never routed
  }

  @Test
  void framingThatAnotherProxyCouldReadOtherwiseIsRefusedAndTheConnectionClosed() {
    String te = "Transfer-Encoding: chunked\r\n";
    String body = "3\r\nabc\r\n0\r\n\r\n";
    for (String request :
        List.of(
            "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 3\r\n" + te + "\r\n" + body,
            "POST / HTTP/1.0\r\nHost: "
                + HOST
                + "\r\nConnection: keep-alive\r\n"
                + te
                + "\r\n"
                + body,
            "POST / HTTP/1.1\r\nHost: "
                + HOST
                + "\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                + body)) {
      EmbeddedChannel ch = client();
      send(ch, request);
      assertThat(written(ch)).as(request).matches("(?s)HTTP/1\\.[01] 400 .*connection: close.*");
      assertThat(ch.isActive()).isFalse();
    }
    EmbeddedChannel ch = client();
    send(
        ch,
        "POST / HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + body);
    assertThat(written(ch)).startsWith("HTTP/1.1 501 ").contains("connection: close");
    assertThat(ch.isActive()).isFalse();
    assertThat(throttlers.containsKey(REV)).isFalse(); // none was routed
  }

  @Test
  void anHttp2VersionInAnHttp1RequestLineIs505() {
    EmbeddedChannel ch = client();
    send(ch, "GET / HTTP/2.0\r\nHost: " + HOST + "\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 505 ").contains("connection: close");
    assertThat(ch.isActive()).isFalse();
  }

  @Test
  void userinfoInAnAbsoluteTargetIs400() {
    EmbeddedChannel ch = client();
    send(ch, "GET http://user:pw@" + HOST + "/ HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
    assertThat(written(ch)).startsWith("HTTP/1.1 400 ").contains("userinfo");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "11111111111111111\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5;EXT\r\nhello\r\n0\r\n\r\n",
        "0\r\nX-T: a\r\n folded\r\n\r\n",
        "0\r\nno-colon\r\n\r\n",
      })
  void theDecoderReportsAMalformedChunkedBodyAndStops(String body) {
    EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(8192, 16384));
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + body.replace("EXT", "e".repeat(4100))
                + "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            StandardCharsets.ISO_8859_1));
    List<Object> out = new ArrayList<>();
    Object o;
    while ((o = ch.readInbound()) != null) {
      out.add(o);
    }
    assertThat(out).hasSizeGreaterThanOrEqualTo(2);
    assertThat(out.get(out.size() - 1)).isSameAs(Http1RequestDecoder.MALFORMED_BODY);
    assertThat(out).noneMatch(m -> m == Http1RequestDecoder.FALLBACK);
    out.forEach(io.netty.util.ReferenceCountUtil::release);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aClientConnectionClosedOnAnExceptionIsCounted() {
    EmbeddedChannel ch = client();
    ch.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
    assertThat(ch.isActive()).isFalse();
    assertThat(metrics.connectionErrors(GatewayMetrics.CLIENT_SIDE, "io")).isEqualTo(1);
  }

  private int statusOf(String request) {
    EmbeddedChannel ch = client();
    send(ch, request);
    String response = written(ch);
    assertThat(response).startsWith("HTTP/1.1 ");
    return Integer.parseInt(response.substring(9, 12));
  }
}
