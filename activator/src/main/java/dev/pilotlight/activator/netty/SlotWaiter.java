package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.ProxyError;
import dev.pilotlight.activator.throttle.Refusal;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.activator.throttle.Waiter;
import io.netty.util.concurrent.EventExecutor;

/**
 * An exchange's dealings with its revision's {@link RevisionThrottler}: a slot now or once one is
 * free (the throttler calls from any thread; the answer hops to the exchange's event loop), the
 * slot given back exactly once, an unreachable instance passed over, and the slots tried counted
 * for {@link ExchangeRetry}. A grant that arrives after the exchange ended is given back at once.
 */
final class SlotWaiter implements Waiter {
  /** What the waiter tells its exchange, on the exchange's event loop. */
  interface Listener {
    /** Queued: the request waits for capacity. */
    void waiting();

    /** A slot to go to. */
    void slotGranted(Slot slot);

    /** No slot will come: the queue is full or the revision is gone. */
    void fail(ProxyError error);

    /** Whether the exchange has ended (a late grant is then given back). */
    boolean over();
  }

  private final RevisionThrottler throttler;
  private final EventExecutor loop;
  private final Listener listener;
  private Slot slot;
  private int attempts;

  SlotWaiter(RevisionThrottler throttler, EventExecutor loop, Listener listener) {
    this.throttler = throttler;
    this.loop = loop;
    this.listener = listener;
  }

  /** Asks for a slot; the listener hears how it went (now, unless the request is queued). */
  void acquire() {
    RevisionThrottler.Acquire a = throttler.acquire(this);
    if (a instanceof RevisionThrottler.Granted g) {
      take(g.slot());
    } else if (a instanceof RevisionThrottler.Queued) {
      listener.waiting();
    } else if (a instanceof RevisionThrottler.Rejected r) {
      listener.fail(error(r.why()));
    }
  }

  // Waiter: called under the throttler's lock from any thread; hop to the exchange's event loop.
  @Override
  public void granted(Slot s) {
    loop.execute(
        () -> {
          if (listener.over()) {
            throttler.release(s);
          } else {
            take(s);
          }
        });
  }

  @Override
  public void revoked(Refusal why) {
    loop.execute(() -> listener.fail(error(why)));
  }

  static ProxyError error(Refusal why) {
    return switch (why) {
      case QUEUE_FULL -> ProxyError.QUEUE_FULL;
      case REVISION_REMOVED -> ProxyError.REVISION_REMOVED;
      case GATEWAY_STOPPING -> ProxyError.SHUTTING_DOWN;
    };
  }

  private void take(Slot s) {
    slot = s;
    attempts++;
    listener.slotGranted(s);
  }

  /** Slots taken so far. */
  int attempts() {
    return attempts;
  }

  /** The slot's instance could not be reached: passed over for a while, and the slot given back. */
  void unreachable() {
    if (slot != null) {
      throttler.connectFailed(slot);
    }
    release();
  }

  /** Gives the slot back, if one is held. */
  void release() {
    if (slot != null) {
      throttler.release(slot);
      slot = null;
    }
  }

  /** Leaves the queue, if waiting there. */
  void cancel() {
    throttler.cancel(this);
  }
}
