package dev.pilotlight.activator.throttle;

import dev.pilotlight.api.spi.Endpoint;

/** An instance and the requests in flight to it. Guarded by its throttler's lock. */
public final class Slot {
  private final Endpoint endpoint;
  int inFlight;

  /**
   * This gateway replica's share of the instance's limit ({@link CapacityShare}); meaningful only
   * when its pool has a limit.
   */
  int limit;

  /** Until when this instance is passed over after a failed connection (ticker nanos). */
  long ejectedUntil = Long.MIN_VALUE;

  Slot(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  public Endpoint endpoint() {
    return endpoint;
  }
}
