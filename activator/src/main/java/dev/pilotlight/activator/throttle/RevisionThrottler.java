package dev.pilotlight.activator.throttle;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * One revision's capacity and holding queue.
 *
 * <p>Design: capacity is the ready instances times {@code containerConcurrency} (unbounded at 0). A
 * request takes a slot on an instance with room — first-available round robin under a hard limit,
 * the less loaded of two random picks without one — or waits in a bounded FIFO queue. Every event
 * that adds room (a slot released, instances published) drains the queue in arrival order, handing
 * slots to waiters directly, so a held request leaves the moment an instance is ready with no
 * polling. One small lock per revision; waiters are called under it and must only hand off to their
 * event loop.
 */
public final class RevisionThrottler {
  /** What {@link #acquire} did. */
  public sealed interface Acquire permits Granted, Queued, Rejected {}

  public record Granted(Slot slot) implements Acquire {}

  public record Queued() implements Acquire {}

  /**
   * @param removed true when the revision is gone, false when the queue is full
   */
  public record Rejected(boolean removed) implements Acquire {}

  private static final Queued QUEUED = new Queued();
  private static final Rejected QUEUE_FULL = new Rejected(false);
  private static final Rejected REMOVED = new Rejected(true);

  /** How long an instance whose connection failed is passed over while others can serve. */
  static final Duration EJECTION = Duration.ofSeconds(5);

  private final Ticker ticker;
  private final int maxQueued;
  private final IntUnaryOperator random;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private List<Slot> slots = List.of();
  private int containerConcurrency;
  private Duration timeout;
  private Timeouts timeouts;
  private int next;
  private boolean removed;

  public RevisionThrottler(int maxQueued, Duration timeout, IntUnaryOperator random) {
    this(maxQueued, timeout, random, Ticker.system());
  }

  /**
   * @param ticker time for passing over instances whose connections failed
   */
  public RevisionThrottler(
      int maxQueued, Duration timeout, IntUnaryOperator random, Ticker ticker) {
    this.ticker = ticker;
    this.maxQueued = maxQueued;
    this.timeout = timeout;
    this.timeouts = new Timeouts(timeout, null, null);
    this.random = random;
  }

  public synchronized Duration timeout() {
    return timeout;
  }

  /** The revision's request timeouts, as last published. */
  public synchronized Timeouts timeouts() {
    return timeouts;
  }

  /** Takes a slot now, or queues {@code waiter}, or rejects it when the queue is full. */
  public synchronized Acquire acquire(Waiter waiter) {
    if (removed) {
      return REMOVED;
    }
    if (queue.isEmpty()) {
      Slot s = pick();
      if (s != null) {
        s.inFlight++;
        return new Granted(s);
      }
    }
    if (queue.size() >= maxQueued) {
      return QUEUE_FULL;
    }
    queue.add(waiter);
    return QUEUED;
  }

  /** Removes a waiting request (deadline or client gone); false when it was already granted. */
  public synchronized boolean cancel(Waiter waiter) {
    return queue.remove(waiter);
  }

  /**
   * A connection to {@code slot}'s instance failed: pass it over for {@link #EJECTION} while other
   * instances have room (a crashed instance until the runtime publishes its removal).
   */
  public synchronized void connectFailed(Slot slot) {
    slot.ejectedUntil = ticker.nanoTime() + EJECTION.toNanos();
  }

  public synchronized void release(Slot slot) {
    slot.inFlight = Math.max(0, slot.inFlight - 1);
    drain();
  }

  /** New ready instances and limits; in-flight counts carry over for instances that remain. */
  public synchronized void update(RevisionEndpoints endpoints) {
    Map<String, Slot> old = new HashMap<>();
    for (Slot s : slots) {
      old.put(s.endpoint().id(), s);
    }
    List<Slot> fresh = new ArrayList<>(endpoints.ready().size());
    for (Endpoint e : endpoints.ready()) {
      Slot s = old.get(e.id());
      fresh.add(s != null && s.endpoint().equals(e) ? s : new Slot(e));
    }
    slots = List.copyOf(fresh);
    containerConcurrency = endpoints.containerConcurrency();
    timeout = endpoints.timeout();
    timeouts =
        new Timeouts(
            endpoints.timeout(), endpoints.responseStartTimeout(), endpoints.idleTimeout());
    removed = false;
    drain();
  }

  /** The revision is gone: every waiter is revoked and new requests are rejected. */
  public synchronized void remove() {
    removed = true;
    slots = List.of();
    Waiter w;
    while ((w = queue.poll()) != null) {
      w.revoked();
    }
  }

  public synchronized int queued() {
    return queue.size();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      Slot s = pick();
      if (s == null) {
        return;
      }
      s.inFlight++;
      queue.poll().granted(s);
    }
  }

  private Slot pick() {
    int n = slots.size();
    if (n == 0) {
      return null;
    }
    long now = ticker.nanoTime();
    if (containerConcurrency > 0) {
      Slot s = roundRobin(n, now, true);
      return s != null ? s : roundRobin(n, now, false);
    }
    if (n == 1) {
      return slots.get(0);
    }
    Slot a = slots.get(random.applyAsInt(n));
    Slot b = slots.get(random.applyAsInt(n));
    boolean aOk = a.ejectedUntil <= now;
    boolean bOk = b.ejectedUntil <= now;
    if (aOk != bOk) {
      return aOk ? a : b;
    }
    if (!aOk) {
      for (Slot s : slots) {
        if (s.ejectedUntil <= now) {
          return s;
        }
      }
    }
    return a.inFlight <= b.inFlight ? a : b;
  }

  /** The next instance below its limit, starting after the last one picked. */
  private Slot roundRobin(int n, long now, boolean healthyOnly) {
    for (int i = 0; i < n; i++) {
      Slot s = slots.get((next + i) % n);
      if (s.inFlight < containerConcurrency && (!healthyOnly || s.ejectedUntil <= now)) {
        next = (next + i + 1) % n;
        return s;
      }
    }
    return null;
  }
}
