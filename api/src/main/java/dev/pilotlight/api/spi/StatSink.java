package dev.pilotlight.api.spi;

import java.util.Collection;

/** The autoscaler's intake, as the activator sees it. Implementations must not block the caller. */
public interface StatSink {
  /**
   * A batch of per-second stats, one per revision that saw traffic (or still has requests in
   * flight).
   */
  void report(Collection<StatRecord> batch);

  /**
   * A request arrived for a revision with no ready instance: decide now, not at the next tick.
   * Cheap and idempotent; the activator may call it for every held request.
   */
  void poke(RevisionKey revision);
}
