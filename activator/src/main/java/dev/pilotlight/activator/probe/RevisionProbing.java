package dev.pilotlight.activator.probe;

import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.time.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The shell around one revision's {@link StartingProbes}: feeds it what the runtime publishes and
 * the probes' results, runs the probes it asks for on one event loop of the gateway, and pushes
 * what to route to into the revision's {@link RevisionThrottler} whenever that changes, so held
 * requests leave the moment a starting instance answers its probe.
 *
 * <p>One lock (this object) serializes the core; the throttler's lock is only ever taken inside it,
 * never the other way round. A single timer on the event loop wakes up when the next probe is due;
 * there is none while nothing is starting.
 */
public final class RevisionProbing {
  private final StartingProbes core;
  private final RevisionThrottler throttler;
  private final EventLoop loop;
  private final ProbeClient client;
  private final Ticker ticker;
  private ScheduledFuture<?> timer;
  private long timerDue;
  private long timerGeneration;
  private boolean closed;
  private int inFlight; // probes started and not yet finished

  /**
   * @param loop where the timer and this revision's probe connections run
   * @param channelType the socket channel class of {@code loop}'s transport
   */
  public RevisionProbing(
      RevisionThrottler throttler,
      EventLoop loop,
      Class<? extends Channel> channelType,
      Ticker ticker) {
    this(throttler, loop, channelType, ticker, StartingProbes.PERIOD, StartingProbes.TIMEOUT);
  }

  /**
   * @param timeout bound of one probe, below {@code period}
   */
  public RevisionProbing(
      RevisionThrottler throttler,
      EventLoop loop,
      Class<? extends Channel> channelType,
      Ticker ticker,
      Duration period,
      Duration timeout) {
    if (timeout.compareTo(period) >= 0) {
      throw new IllegalArgumentException(
          "probe timeout " + timeout + " must be below the period " + period);
    }
    this.core = new StartingProbes(period, StartingProbes.MAX_PROBING, ticker);
    this.throttler = throttler;
    this.loop = loop;
    this.client = new ProbeClient(channelType, timeout);
    this.ticker = ticker;
  }

  /** The runtime published the revision's instances: route accordingly at once, probe the rest. */
  public synchronized void published(RevisionEndpoints endpoints) {
    core.published(endpoints);
    throttler.update(core.routable());
    reschedule();
  }

  /** Whether a probe is out or one is scheduled: false once probing has ended, until a publish. */
  public synchronized boolean active() {
    return !closed && (timer != null || inFlight > 0);
  }

  /** The revision is gone: no more probes; results in flight are dropped. */
  public synchronized void close() {
    closed = true;
    core.stop();
    cancelTimer();
  }

  private void tick(long generation) {
    List<StartingProbes.Probe> due;
    synchronized (this) {
      if (closed || generation != timerGeneration) {
        return; // replaced by an earlier timer while waiting for the lock
      }
      timer = null;
      due = core.startDue();
      inFlight += due.size();
      reschedule();
    }
    for (StartingProbes.Probe p : due) {
      try {
        client.probe(loop, p.endpoint(), p.target(), ok -> finished(p, ok));
      } catch (RejectedExecutionException e) {
        return; // the gateway is shutting down
      }
    }
  }

  private synchronized void finished(StartingProbes.Probe probe, boolean ok) {
    inFlight--;
    if (closed) {
      return;
    }
    if (core.finished(probe, ok)) {
      throttler.update(core.routable());
    }
    reschedule();
  }

  /** One timer, for the earliest probe due; none when nothing can start. */
  private void reschedule() {
    long due = core.nextDueNanos();
    if (closed || due == Long.MAX_VALUE) {
      cancelTimer();
      return;
    }
    if (timer != null && timerDue - due <= 0) {
      return; // fires in time; it reschedules for what is due then
    }
    cancelTimer();
    timerDue = due;
    long generation = ++timerGeneration;
    try {
      timer =
          loop.schedule(
              () -> tick(generation), Math.max(0, due - ticker.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      timer = null; // the gateway is shutting down
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
