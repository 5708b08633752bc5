package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.throttle.Timeouts;
import dev.pilotlight.api.time.Ticker;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The three timers of one exchange, on its client connection's event loop (so {@code
 * EmbeddedChannel} can freeze and advance them): the revision's total deadline from the start (the
 * wait included), the response-start deadline from the request first sent, and the idle limit
 * between bytes once a connection is bound. Each tells {@code expired} once which one passed; what
 * that means (a status, or a response broken off) is the exchange's to decide.
 *
 * <p>Idle is one timer, not one per byte: activity only stamps the time, and the timer, when it
 * fires early, sleeps again for what is left.
 */
final class ExchangeDeadlines {
  /** Which deadline passed. */
  enum Expired {
    TOTAL,
    RESPONSE_START,
    IDLE
  }

  private final EventExecutor executor;
  private final Ticker ticker;
  private final Timeouts timeouts;
  private final Consumer<Expired> expired;
  private ScheduledFuture<?> total;
  private ScheduledFuture<?> responseStart;
  private ScheduledFuture<?> idle;
  private long lastActivityNanos;
  private boolean responded;

  /**
   * @param executor the exchange's event loop
   * @param ticker the time idleness is measured in
   * @param timeouts the revision's, as published when the exchange started
   * @param expired told which deadline passed, on {@code executor}
   */
  ExchangeDeadlines(
      EventExecutor executor, Ticker ticker, Timeouts timeouts, Consumer<Expired> expired) {
    this.executor = executor;
    this.ticker = ticker;
    this.timeouts = timeouts;
    this.expired = expired;
  }

  /** The exchange starts: the total deadline runs. */
  void start() {
    total = schedule(() -> expired.accept(Expired.TOTAL), timeouts.total().toNanos());
  }

  /** A connection is bound: activity now, and the idle limit runs from here (once armed, kept). */
  void connected() {
    touch();
    Duration limit = timeouts.idle();
    if (limit != null && idle == null) {
      idle = schedule(this::idleCheck, limit.toNanos());
    }
  }

  /** A byte moved either way. */
  void touch() {
    lastActivityNanos = ticker.nanoTime();
  }

  /**
   * The request went out whole: the response-start deadline runs, from the first time only (a retry
   * does not give the instance more time).
   */
  void requestSent() {
    Duration limit = timeouts.responseStart();
    if (limit != null && !responded && responseStart == null) {
      responseStart =
          schedule(
              () -> {
                if (!responded) {
                  expired.accept(Expired.RESPONSE_START);
                }
              },
              limit.toNanos());
    }
  }

  /** The response began: no response-start deadline any more. */
  void responseStarted() {
    responded = true;
    cancel(responseStart);
  }

  /** No deadline applies any more (the exchange ended, or became a tunnel). */
  void cancelAll() {
    cancel(total);
    cancel(responseStart);
    cancel(idle);
  }

  private void idleCheck() {
    long limit = timeouts.idle().toNanos();
    long quiet = ticker.nanoTime() - lastActivityNanos;
    if (quiet < limit) {
      idle = schedule(this::idleCheck, limit - quiet);
    } else {
      expired.accept(Expired.IDLE);
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
