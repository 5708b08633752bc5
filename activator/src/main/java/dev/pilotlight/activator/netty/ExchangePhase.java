package dev.pilotlight.activator.netty;

/**
 * Where a {@link ProxyExchange} is, and where it may go from there. The exchange moves only along
 * these transitions; any other is a bug and fails loudly.
 *
 * <pre>
 * ACQUIRING ─▶ HELD ─▶ CONNECTING ─▶ SENDING ─▶ RESPONDING ─▶ DONE
 *     │          │        ▲  │  ▲       │  │
 *     │          │        │  ▼  │       │  └──▶ TUNNEL ─▶ DONE
 *     │          │       BACKOFF ◀──────┘  (a lost connection retried)
 *     └──────────┴──▶ DONE (rejected, hold deadline, revoked, client gone; from any phase)
 * </pre>
 */
enum ExchangePhase {
  /** Asking the revision's throttler for a slot. */
  ACQUIRING,
  /** Waiting in the revision's queue for a slot; the body stays in the client's socket. */
  HELD,
  /** A slot taken; a connection or an HTTP/2 stream to its instance is being had. */
  CONNECTING,
  /** Between attempts: the slot given back, another asked for after a backoff. */
  BACKOFF,
  /** The request going to the instance on a bound connection; no response byte yet. */
  SENDING,
  /** The response on its way to the client; from here a failure breaks the response off. */
  RESPONDING,
  /** Upgraded (101): bytes relayed both ways by tunnel handlers, no timeouts. */
  TUNNEL,
  /** Over: answered, broken off or abandoned; nothing more happens. */
  DONE;

  /** Per phase, the phases it may move to, as bits by ordinal (checked on every move). */
  private static final int[] NEXT = new int[values().length];

  static {
    allow(ACQUIRING, HELD, CONNECTING, DONE);
    allow(HELD, CONNECTING, DONE);
    allow(CONNECTING, SENDING, BACKOFF, DONE);
    allow(BACKOFF, ACQUIRING, DONE);
    allow(SENDING, RESPONDING, TUNNEL, CONNECTING, BACKOFF, DONE);
    allow(RESPONDING, DONE);
    allow(TUNNEL, DONE);
  }

  private static void allow(ExchangePhase from, ExchangePhase... to) {
    for (ExchangePhase p : to) {
      NEXT[from.ordinal()] |= 1 << p.ordinal();
    }
  }

  /** Whether an exchange in this phase may move to {@code to}. */
  boolean canMoveTo(ExchangePhase to) {
    return (NEXT[ordinal()] & 1 << to.ordinal()) != 0;
  }

  /** Whether a response has begun: a failure now breaks it off instead of answering a status. */
  boolean responseBegun() {
    return this == RESPONDING || this == TUNNEL;
  }
}
