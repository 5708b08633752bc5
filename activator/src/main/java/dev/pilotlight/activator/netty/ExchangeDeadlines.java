package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.throttle.Timeouts;
import dev.pilotlight.api.time.Ticker;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The three deadlines of one exchange, on its client connection's event loop (so {@code
 * EmbeddedChannel} can freeze and advance them): the revision's total deadline from the start (the
 * wait included), the response-start deadline from the request first sent, and the idle limit
 * between bytes once a connection is bound. Each tells {@code expired} once which one passed; what
 * that means (a status, or a response broken off) is the exchange's to decide.
 *
 * <p>The deadlines are instants, not timers: one {@link Timer} per client connection (or HTTP/2
 * stream) serves its exchanges one after the other and is never cancelled on the request path. It
 * sleeps until the earliest deadline it was asked for; on waking it checks the current exchange's
 * deadlines and sleeps again for what is left. A deadline later than the one the timer sleeps for
 * (the next exchange's, a touched idle limit) costs nothing; only an earlier one reschedules it. So
 * a kept-alive connection's exchanges schedule and cancel no task each (a task's insertion into and
 * removal from the event loop's timer heap were a visible part of a proxied request's CPU). The
 * connection's end cancels the pending wake-up ({@link Timer#stop}).
 */
final class ExchangeDeadlines {
  /** Which deadline passed. */
  enum Expired {
    TOTAL,
    RESPONSE_START,
    IDLE
  }

  private static final long NONE = Long.MAX_VALUE;

  private final Timer timer;
  private final Ticker ticker;
  private final Timeouts timeouts;
  private final Consumer<Expired> expired;
  // instants on the event loop's clock, as its scheduled tasks see time
  private long totalAt = NONE;
  private long responseStartAt = NONE;
  private long idleCheckAt = NONE;
  private boolean idleArmed;
  private long lastActivityNanos; // on the ticker
  private boolean responded;
  private boolean requestSentOnce;
  private boolean over;

  /**
   * @param timer the client connection's timer (shared by its exchanges, one at a time); idleness
   *     is measured on its ticker
   * @param timeouts the revision's, as published when the exchange started
   * @param expired told which deadline passed, on the timer's event loop
   */
  ExchangeDeadlines(Timer timer, Timeouts timeouts, Consumer<Expired> expired) {
    this.timer = timer;
    this.ticker = timer.ticker;
    this.timeouts = timeouts;
    this.expired = expired;
  }

  /** With a timer of its own (tests). */
  ExchangeDeadlines(
      EventExecutor executor, Ticker ticker, Timeouts timeouts, Consumer<Expired> expired) {
    this(new Timer(executor, ticker), timeouts, expired);
  }

  /** The exchange starts: the total deadline runs. */
  void start() {
    totalAt = timer.now() + timeouts.total().toNanos();
    timer.serve(this, totalAt);
  }

  /** A connection is bound: activity now, and the idle limit runs from here (once armed, kept). */
  void connected() {
    touch();
    Duration limit = timeouts.idle();
    if (limit != null && !idleArmed && !over) {
      idleArmed = true;
      idleCheckAt = timer.now() + limit.toNanos();
      timer.serve(this, idleCheckAt);
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
    if (limit != null && !responded && !requestSentOnce && !over) {
      requestSentOnce = true;
      responseStartAt = timer.now() + limit.toNanos();
      timer.serve(this, responseStartAt);
    }
  }

  /** The response began: no response-start deadline any more. */
  void responseStarted() {
    responded = true;
    responseStartAt = NONE;
  }

  /** No deadline applies any more (the exchange ended, or became a tunnel). */
  void cancelAll() {
    over = true;
    timer.leave(this);
  }

  /**
   * The timer woke at {@code now}: tells what passed, each once; returns the next deadline to wake
   * for, or {@link #NONE}.
   */
  private long check(long now) {
    // in the order the three timers were once scheduled: total, idle, response start
    if (totalAt <= now) {
      totalAt = NONE;
      expired.accept(Expired.TOTAL);
    }
    if (!over && idleCheckAt <= now) {
      long limit = timeouts.idle().toNanos();
      long quiet = ticker.nanoTime() - lastActivityNanos;
      if (quiet < limit) {
        idleCheckAt = now + (limit - quiet); // touched meanwhile: check again when it could be due
      } else {
        idleCheckAt = NONE;
        expired.accept(Expired.IDLE);
      }
    }
    if (!over && responseStartAt <= now) {
      responseStartAt = NONE;
      if (!responded) {
        expired.accept(Expired.RESPONSE_START);
      }
    }
    return over ? NONE : Math.min(totalAt, Math.min(responseStartAt, idleCheckAt));
  }

  /**
   * One connection's timer, on its event loop: it wakes for the exchange it serves now. A wake-up
   * scheduled for an earlier exchange is kept (it only comes early), so consecutive exchanges
   * schedule nothing while their deadlines fall after it.
   */
  static final class Timer implements Runnable {
    private final EventExecutor executor;
    private final io.netty.util.concurrent.Ticker clock;
    private final Ticker ticker;
    private ExchangeDeadlines current;
    private ScheduledFuture<?> task;
    private long wakeAt;

    /**
     * @param executor the connection's event loop, whose clock the deadlines are kept on
     * @param ticker the time idleness is measured in
     */
    Timer(EventExecutor executor, Ticker ticker) {
      this.executor = executor;
      this.clock = executor.ticker();
      this.ticker = ticker;
    }

    long now() {
      return clock.nanoTime();
    }

    /** {@code d} is the exchange served now and needs a wake-up no later than {@code at}. */
    void serve(ExchangeDeadlines d, long at) {
      current = d;
      if (task != null && wakeAt <= at) {
        return;
      }
      if (task != null) {
        task.cancel(false);
      }
      schedule(at);
    }

    /**
     * {@code d} is over: nothing is checked for it any more (a pending wake-up stays, harmless).
     */
    void leave(ExchangeDeadlines d) {
      if (current == d) {
        current = null;
      }
    }

    /**
     * The connection (or stream) is gone: the pending wake-up goes too, so the event loop's timer
     * heap does not keep the connection's handlers until the wake-up's time.
     */
    void stop() {
      current = null;
      if (task != null) {
        task.cancel(false);
        task = null;
      }
    }

    /** Whether a wake-up is pending (tests). */
    boolean pending() {
      return task != null;
    }

    private void schedule(long at) {
      wakeAt = at;
      task = executor.schedule(this, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      task = null;
      ExchangeDeadlines d = current;
      if (d == null) {
        return; // no exchange: sleep until one asks
      }
      long next = d.check(now());
      if (next != NONE && current == d && task == null) {
        schedule(next);
      }
    }
  }
}
