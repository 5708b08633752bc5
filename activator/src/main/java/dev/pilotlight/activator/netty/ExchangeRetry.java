package dev.pilotlight.activator.netty;

import dev.pilotlight.api.time.Backoff;
import java.time.Duration;

/**
 * Whether and how a request whose upstream connection failed before any response byte goes again: a
 * pure function of what happened, so the rules read (and are tested) as a table.
 *
 * <ul>
 *   <li>A connection that could not be made: another slot, after {@link #CONNECT_BACKOFF}, until
 *       {@value #MAX_ATTEMPTS} slots were tried; then 502 ({@code upstream_connect}).
 *   <li>A connection lost before the response, when the request may be sent again (an idempotent
 *       method, and no body byte went out, so the instance cannot have acted on a partial one):
 *       <ul>
 *         <li>on a kept-alive connection, the first time: the instance had most likely closed it
 *             while idle and never saw the request, so once more to the same instance on a fresh
 *             connection;
 *         <li>on a fresh connection, the first time: another slot while attempts remain (the
 *             instance read the request and then died or reset: say it was killed by a scale-down);
 *         <li>on a fresh connection again: never. A request that two instances dropped on fresh
 *             connections may be what kills them (a query of death); it is not passed on across the
 *             fleet.
 *       </ul>
 *   <li>Anything else (a method that is not idempotent, body bytes sent, attempts used up): 502
 *       ({@code upstream_reset}).
 * </ul>
 *
 * A response that has begun is never retried: the exchange breaks it off instead (not decided
 * here).
 */
public final class ExchangeRetry {
  /** Slots a request is tried on at most. */
  public static final int MAX_ATTEMPTS = 3;

  /** The wait before a connect is tried again on another slot: 10 ms, then 20 ms. */
  static final Backoff CONNECT_BACKOFF = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100));

  /** What to do after a failure. */
  public enum Decision {
    /** The same instance again, on a new connection, at once (a stale kept-alive connection). */
    SAME_INSTANCE_NEW_CONNECTION,
    /** Another slot from the throttler, after the backoff. */
    ANOTHER_SLOT,
    /** Give up: the client gets the failure's status. */
    GIVE_UP
  }

  private ExchangeRetry() {}

  /**
   * After a connection that could not be made.
   *
   * @param attempts slots tried so far, this one included
   */
  public static Decision afterConnectFailure(int attempts) {
    return attempts < MAX_ATTEMPTS ? Decision.ANOTHER_SLOT : Decision.GIVE_UP;
  }

  /**
   * After a connection lost before any response byte.
   *
   * @param attempts slots tried so far, this one included
   * @param reused the connection had served an earlier exchange (it came from the pool)
   * @param staleRetried the request already went again after a stale connection
   * @param lostFreshBefore the request was already lost once on a fresh connection
   * @param idempotent the request's method is idempotent
   * @param bodyBytesSent request body bytes written to the instance so far
   */
  public static Decision afterLoss(
      int attempts,
      boolean reused,
      boolean staleRetried,
      boolean lostFreshBefore,
      boolean idempotent,
      long bodyBytesSent) {
    if (!idempotent || bodyBytesSent > 0) {
      return Decision.GIVE_UP;
    }
    if (reused && !staleRetried) {
      return Decision.SAME_INSTANCE_NEW_CONNECTION;
    }
    if (!reused && !lostFreshBefore && attempts < MAX_ATTEMPTS) {
      return Decision.ANOTHER_SLOT;
    }
    return Decision.GIVE_UP;
  }

  /** The wait before trying another slot after {@code attempts} tries. */
  static Duration backoff(int attempts) {
    return CONNECT_BACKOFF.delay(attempts);
  }
}
