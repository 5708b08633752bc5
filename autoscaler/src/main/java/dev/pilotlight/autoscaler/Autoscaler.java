package dev.pilotlight.autoscaler;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleListener;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.ScalingTargets;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The autoscaler shell: takes stats and pokes ({@link StatSink}) and scaling targets
 * ({@link ScalingTargets}), runs the decider for every target every tick on the injected scheduler, and
 * publishes decisions to the listener only when they change. A poke for a revision at zero is decided at
 * once on the scheduler, not at the next tick.
 */
public final class Autoscaler implements StatSink, ScalingTargets, AutoCloseable {

  public Autoscaler(ScheduledExecutorService scheduler, Ticker ticker, Duration tickInterval, ScaleListener listener) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Starts the tick loop. */
  public void start() {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void report(Collection<StatRecord> batch) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void poke(RevisionKey revision) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void upsert(ScalingTarget target) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void remove(RevisionKey revision) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
