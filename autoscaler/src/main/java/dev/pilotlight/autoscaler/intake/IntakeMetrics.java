package dev.pilotlight.autoscaler.intake;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the HTTP intake. */
public final class IntakeMetrics {
  final LongAdder accepted = new LongAdder();
  final LongAdder unauthorized = new LongAdder();
  final LongAdder malformed = new LongAdder();
  final LongAdder tooLarge = new LongAdder();
  final LongAdder duplicate = new LongAdder();

  public long accepted() {
    return accepted.sum();
  }

  public long unauthorized() {
    return unauthorized.sum();
  }

  public long malformed() {
    return malformed.sum();
  }

  /** Batches delivered a second time (answered 204, not counted again). */
  public long duplicate() {
    return duplicate.sum();
  }

  public long tooLarge() {
    return tooLarge.sum();
  }
}
