package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.netty.ExchangeDeadlines.Expired;
import dev.pilotlight.activator.throttle.Timeouts;
import dev.pilotlight.testkit.ManualTicker;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exchange's three deadlines on an embedded event loop, in manual time. */
class ExchangeDeadlinesTest {
  final EmbeddedChannel loop = new EmbeddedChannel();
  final ManualTicker ticker = new ManualTicker();
  final List<Expired> expired = new ArrayList<>();

  {
    loop.freezeTime();
  }

  ExchangeDeadlines deadlines(Duration total, Duration responseStart, Duration idle) {
    return new ExchangeDeadlines(
        loop.eventLoop(), ticker, new Timeouts(total, responseStart, idle), expired::add);
  }

  /** Moves the loop's clock and the ticker together, running what came due. */
  void advance(Duration d) {
    ticker.advance(d);
    loop.advanceTimeBy(d.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    loop.runScheduledPendingTasks();
  }

  @AfterEach
  void close() {
    loop.finishAndReleaseAll();
  }

  @Test
  void total_firesOnceAtItsTime() {
    deadlines(Duration.ofSeconds(10), null, null).start();
    advance(Duration.ofMillis(9_999));
    assertThat(expired).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(expired).containsExactly(Expired.TOTAL);
    advance(Duration.ofSeconds(60));
    assertThat(expired).containsExactly(Expired.TOTAL);
  }

  @Test
  void responseStart_runsFromTheFirstSendOnly_andStopsWhenTheResponseBegins() {
    ExchangeDeadlines d = deadlines(Duration.ofSeconds(60), Duration.ofSeconds(2), null);
    d.start();
    d.connected();
    advance(Duration.ofSeconds(5)); // a long body upload: not counted
    assertThat(expired).isEmpty();
    d.requestSent();
    advance(Duration.ofSeconds(1));
    d.requestSent(); // a retry's send does not give the instance more time
    advance(Duration.ofSeconds(1));
    assertThat(expired).containsExactly(Expired.RESPONSE_START);

    expired.clear();
    ExchangeDeadlines answered = deadlines(Duration.ofSeconds(60), Duration.ofSeconds(2), null);
    answered.requestSent();
    advance(Duration.ofSeconds(1));
    answered.responseStarted();
    advance(Duration.ofSeconds(5));
    assertThat(expired).isEmpty();
  }

  @Test
  void idle_isMeasuredFromTheLastActivity() {
    ExchangeDeadlines d = deadlines(Duration.ofSeconds(60), null, Duration.ofSeconds(3));
    d.start();
    advance(Duration.ofSeconds(10)); // held: no connection yet, no idle limit
    assertThat(expired).isEmpty();
    d.connected();
    for (int i = 0; i < 5; i++) {
      advance(Duration.ofSeconds(2));
      d.touch(); // a byte every 2 s: never idle for 3
    }
    assertThat(expired).isEmpty();
    advance(Duration.ofMillis(2_999));
    assertThat(expired).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(expired).containsExactly(Expired.IDLE);
  }

  @Test
  void cancelAll_stopsEveryTimer() {
    ExchangeDeadlines d =
        deadlines(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1));
    d.start();
    d.connected();
    d.requestSent();
    d.cancelAll();
    advance(Duration.ofSeconds(30));
    assertThat(expired).isEmpty();
  }

  @Test
  void oneConnectionTimer_servesItsExchangesInTurn() {
    ExchangeDeadlines.Timer timer = new ExchangeDeadlines.Timer(loop.eventLoop(), ticker);
    Timeouts t = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(4), null);
    List<Expired> second = new ArrayList<>();
    ExchangeDeadlines first = new ExchangeDeadlines(timer, t, expired::add);
    first.start();
    first.connected();
    first.requestSent();
    advance(Duration.ofSeconds(1));
    first.responseStarted();
    first.cancelAll(); // answered: its wake-up at 4 s stays scheduled and finds nothing to do

    ExchangeDeadlines next = new ExchangeDeadlines(timer, t, second::add);
    next.start(); // total at 11 s
    next.connected();
    next.requestSent(); // response start at 5 s
    advance(Duration.ofMillis(3_999));
    assertThat(expired).isEmpty();
    assertThat(second).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(second).containsExactly(Expired.RESPONSE_START);
    advance(Duration.ofSeconds(6));
    assertThat(second).containsExactly(Expired.RESPONSE_START, Expired.TOTAL);
    assertThat(expired).isEmpty();
  }

  @Test
  void anEarlierDeadlineThanTheTimersWakeUp_wakesItEarlier() {
    ExchangeDeadlines.Timer timer = new ExchangeDeadlines.Timer(loop.eventLoop(), ticker);
    ExchangeDeadlines slow =
        new ExchangeDeadlines(timer, new Timeouts(Duration.ofSeconds(60), null, null), e -> {});
    slow.start();
    slow.cancelAll();
    ExchangeDeadlines quick =
        new ExchangeDeadlines(timer, new Timeouts(Duration.ofSeconds(2), null, null), expired::add);
    quick.start();
    advance(Duration.ofMillis(1_999));
    assertThat(expired).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(expired).containsExactly(Expired.TOTAL);
  }

  @Test
  void stop_dropsThePendingWakeUp_whenTheConnectionEnds() {
    ExchangeDeadlines.Timer timer = new ExchangeDeadlines.Timer(loop.eventLoop(), ticker);
    ExchangeDeadlines d =
        new ExchangeDeadlines(timer, new Timeouts(Duration.ofSeconds(5), null, null), expired::add);
    d.start();
    d.cancelAll();
    assertThat(timer.pending()).isTrue(); // kept for the connection's next exchange
    timer.stop();
    assertThat(timer.pending()).isFalse();
    advance(Duration.ofSeconds(30));
    assertThat(expired).isEmpty();
  }
}
