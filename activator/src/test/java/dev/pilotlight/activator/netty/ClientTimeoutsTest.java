package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.ClientLimits;
import dev.pilotlight.activator.netty.ClientTimeouts.Kind;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client timeouts' decider in manual time (seconds as nanos). */
class ClientTimeoutsTest {
  private static final ClientLimits LIMITS =
      new ClientLimits(
          Duration.ofSeconds(30),
          Duration.ofSeconds(75),
          Duration.ofSeconds(60),
          Duration.ofSeconds(120),
          0);

  private static long s(long seconds) {
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  private final ClientTimeouts t = new ClientTimeouts(LIMITS, false, s(1000));

  @Test
  void aConnectionThatSendsNothingTimesOutAHeaderTimeoutAfterItsAccept() {
    assertThat(t.expired(s(1029))).isNull();
    assertThat(t.expired(s(1030))).isEqualTo(Kind.HEADER);
    assertThat(t.headBegun()).isFalse(); // nothing to answer: closed silently
  }

  @Test
  void aSlowFirstHeadHasOneHeaderTimeoutFromTheAcceptHoweverOftenBytesCome() {
    for (int i = 1; i < 30; i++) {
      t.inbound(s(1000 + i));
      assertThat(t.expired(s(1000 + i))).isNull();
    }
    assertThat(t.expired(s(1030))).isEqualTo(Kind.HEADER);
    assertThat(t.headBegun()).isTrue(); // answered 408
  }

  @Test
  void betweenRequestsTheKeepAliveTimeoutRunsThenTheNextHeadHasAFullHeaderTimeout() {
    t.inbound(s(1000));
    t.headReceived(s(1000));
    t.requestComplete();
    assertThat(t.deadline()).isEqualTo(Long.MAX_VALUE); // busy: the revision's timeouts govern
    t.awaitNext(s(1010));
    assertThat(t.expired(s(1084))).isNull();
    assertThat(t.expired(s(1085))).isEqualTo(Kind.IDLE);

    t.inbound(s(1080)); // the next head began just before
    assertThat(t.expired(s(1085))).isNull();
    assertThat(t.expired(s(1109))).isNull();
    assertThat(t.expired(s(1110))).isEqualTo(Kind.HEADER);
  }

  @Test
  void aBodyTimesOutOnlyWhileAReadIsOutstandingAndNothingComes() {
    t.inbound(s(1000));
    t.headReceived(s(1000));
    // held: no read asked for, so no timeout however long
    assertThat(t.expired(s(5000))).isNull();

    t.readRequested(s(5000));
    assertThat(t.expired(s(5059))).isNull();
    t.inbound(s(5059)); // a body byte
    t.readRequested(s(5059));
    assertThat(t.expired(s(5118))).isNull();
    assertThat(t.expired(s(5119))).isEqualTo(Kind.BODY);

    t.requestComplete();
    assertThat(t.expired(s(9999))).isNull();
  }

  @Test
  void aReadArmedBeforeTheHeadCountsFromTheHead() {
    t.readRequested(s(900));
    t.inbound(s(1000));
    t.readRequested(s(1001));
    t.headReceived(s(1020));
    assertThat(t.expired(s(1079))).isNull();
    assertThat(t.expired(s(1080))).isEqualTo(Kind.BODY);
  }

  @Test
  void anHttp2ConnectionTimesOutOnlyWithNoOpenStream() {
    t.inbound(s(1000));
    t.http2(s(1000));
    t.streamOpened();
    t.streamOpened();
    assertThat(t.expired(s(9999))).isNull();
    t.streamClosed(s(2000));
    assertThat(t.expired(s(9999))).isNull();
    t.streamClosed(s(3000));
    assertThat(t.expired(s(3119))).isNull();
    assertThat(t.expired(s(3120))).isEqualTo(Kind.HTTP2_IDLE);
    // frames that are no stream (PING, SETTINGS) do not keep it open
    t.inbound(s(3100));
    t.headReceived(s(3100));
    t.awaitNext(s(3100));
    assertThat(t.expired(s(3120))).isEqualTo(Kind.HTTP2_IDLE);
  }

  @Test
  void onAStreamOnlyTheBodyTimeoutRuns() {
    ClientTimeouts stream = new ClientTimeouts(LIMITS, true, s(1000));
    assertThat(stream.expired(s(99_999))).isNull();
    stream.inbound(s(1000));
    stream.headReceived(s(1000));
    stream.readRequested(s(1000));
    assertThat(stream.expired(s(1060))).isEqualTo(Kind.BODY);
    stream.requestComplete();
    stream.awaitNext(s(1060));
    assertThat(stream.expired(s(99_999))).isNull();
  }

  @Test
  void everyDeadlineALaterEventSetsIsAtLeastTheShortestTimeoutAway() {
    // what lets the handler's timer sleep up to the shortest timeout without missing one
    long shortest = LIMITS.shortestTimeout().toNanos();
    long now = s(2000);
    t.inbound(now);
    assertThat(t.deadline()).isGreaterThanOrEqualTo(s(1000) + shortest);
    t.headReceived(now);
    t.readRequested(now);
    assertThat(t.deadline()).isGreaterThanOrEqualTo(now + shortest);
    t.requestComplete();
    t.awaitNext(now);
    assertThat(t.deadline()).isGreaterThanOrEqualTo(now + shortest);
    t.http2(now);
    assertThat(t.deadline()).isGreaterThanOrEqualTo(now + shortest);
  }
}
