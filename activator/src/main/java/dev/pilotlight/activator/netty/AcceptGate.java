package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.api.time.Ticker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening channel, before Netty's acceptor: bounds the client connections open at once and
 * keeps accepting from spinning when accepts fail.
 *
 * <ul>
 *   <li><b>The bound.</b> At {@code max} open connections accepting pauses (the listening channel
 *       stops reading: new connections wait in the kernel's backlog) and resumes when one closes. A
 *       connection a burst brought in past the bound before the pause took effect is closed at once
 *       and counted ({@code connections_refused_total}).
 *   <li><b>Failed accepts</b> (out of descriptors: {@code EMFILE}, {@code ENFILE}) pause accepting
 *       for a back-off that doubles from {@value #MIN_BACKOFF_MILLIS} ms to {@value
 *       #MAX_BACKOFF_MILLIS} ms while they go on, or until a connection closes and frees a
 *       descriptor. They are counted ({@code accept_errors_total}) and logged as a warning at most
 *       once per {@value #WARN_INTERVAL_SECONDS} s, with the count since the last line.
 * </ul>
 *
 * <p>On io_uring the pause holds only with single-shot accepts: a multishot accept that fails is
 * re-armed by Netty's transport whatever auto-read says (measured: about 400,000 failed accepts a
 * second at {@code EMFILE}, against 40 in 30 s single-shot), so {@link Transport} turns multishot
 * accepts off.
 *
 * <p>Threads: the listening channel's event loop runs {@link #channelRead} and {@link
 * #exceptionCaught}; connections close on their own loops and hand the resumption to it.
 */
public final class AcceptGate extends ChannelInboundHandlerAdapter {
  static final long MIN_BACKOFF_MILLIS = 10;
  static final long MAX_BACKOFF_MILLIS = 1000;
  static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(MIN_BACKOFF_MILLIS), Duration.ofMillis(MAX_BACKOFF_MILLIS));
  static final long WARN_INTERVAL_SECONDS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(AcceptGate.class);

  private final int max;
  private final GatewayMetrics metrics;
  private final Ticker ticker;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean paused;

  // the listening channel's loop only
  private ChannelHandlerContext ctx;
  private boolean atBound;
  private boolean backingOff;
  private int failuresInARow;
  private ScheduledFuture<?> backoffTimer;
  private long nextWarnNanos;
  private boolean warned;
  private long failuresSinceWarn;
  private io.netty.channel.EventLoop loop;

  public AcceptGate(int max, GatewayMetrics metrics, Ticker ticker) {
    if (max < 1) {
      throw new IllegalArgumentException("max connections must be positive, was " + max);
    }
    this.max = max;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  /** Client connections open now (accepted, not yet closed). */
  int open() {
    return open.get();
  }

  /** Whether accepting is paused now. */
  boolean paused() {
    return paused;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.loop = ctx.channel().eventLoop();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Channel child)) {
      ctx.fireChannelRead(msg);
      return;
    }
    failuresInARow = 0; // accepting works again
    if (open.get() >= max) {
      child.unsafe().closeForcibly();
      metrics.connectionRefused();
      atBound = true;
      update();
      return;
    }
    open.incrementAndGet();
    metrics.connectionOpened();
    child.closeFuture().addListener(f -> closed());
    if (open.get() >= max) {
      atBound = true;
      update();
    }
    ctx.fireChannelRead(child);
  }

  private void closed() {
    metrics.connectionClosed();
    open.decrementAndGet();
    if (paused) {
      loop.execute(this::freed);
    }
  }

  /** A connection closed: a descriptor and a place under the bound are free again. */
  private void freed() {
    if (open.get() < max) {
      atBound = false;
    }
    backingOff = false;
    update();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    metrics.acceptError();
    failuresInARow = Math.min(failuresInARow + 1, 64); // the cap is reached long before
    warn(cause);
    backingOff = true;
    update();
    if (backoffTimer != null) {
      backoffTimer.cancel(false);
    }
    backoffTimer =
        loop.schedule(
            () -> {
              backoffTimer = null;
              backingOff = false;
              update();
            },
            BACKOFF.delay(failuresInARow).toNanos(),
            TimeUnit.NANOSECONDS);
  }

  private void warn(Throwable cause) {
    failuresSinceWarn++;
    long now = ticker.nanoTime();
    if (warned && now - nextWarnNanos < 0) {
      return;
    }
    warned = true;
    nextWarnNanos = now + TimeUnit.SECONDS.toNanos(WARN_INTERVAL_SECONDS);
    LOG.warn(
        "accepting connections failed: {} ({} time(s) since the last such line, at most one"
            + " every {} s); {} client connections open; accepting pauses for up to {} ms at a"
            + " time",
        cause.getMessage(),
        failuresSinceWarn,
        WARN_INTERVAL_SECONDS,
        open.get(),
        MAX_BACKOFF_MILLIS);
    failuresSinceWarn = 0;
  }

  private void update() {
    boolean pause = atBound || backingOff;
    paused = pause;
    // a connection that closed just before the pause was seen did not resume: look again
    if (atBound && open.get() < max) {
      atBound = false;
      pause = backingOff;
      paused = pause;
    }
    Channel ch = ctx.channel();
    if (pause) {
      if (ch.config().isAutoRead()) {
        ch.config().setAutoRead(false);
      }
    } else if (!ch.config().isAutoRead()) {
      ch.config().setAutoRead(true);
    }
  }
}
