package dev.pilotlight.autoscaler;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScaleListener;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.ScalingTargets;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.autoscaler.loop.ScalerLoop;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The autoscaler shell: takes stats and pokes ({@link StatSink}) and scaling targets ({@link
 * ScalingTargets}), runs the decider for every target every tick on the injected scheduler, and
 * publishes decisions to the listener only when they change. A poke for a revision at zero is
 * decided at once on the scheduler, not at the next tick.
 */
public final class Autoscaler implements StatSink, ScalingTargets, AutoCloseable {
  private final ScalerLoop loop;

  public Autoscaler(
      ScheduledExecutorService scheduler,
      Ticker ticker,
      Duration tickInterval,
      ScaleListener listener) {
    this.loop = new ScalerLoop(scheduler, ticker, tickInterval, listener);
  }

  /** Starts the tick loop. */
  public void start() {
    loop.start();
  }

  @Override
  public void report(Collection<StatRecord> batch) {
    loop.report(batch);
  }

  @Override
  public void poke(RevisionKey revision) {
    loop.poke(revision);
  }

  @Override
  public void upsert(ScalingTarget target) {
    loop.upsert(target);
  }

  @Override
  public void remove(RevisionKey revision) {
    loop.remove(revision);
  }

  /** The last published decision of a revision, for status displays. */
  public Optional<ScaleDecision> lastDecision(RevisionKey revision) {
    return loop.lastDecision(revision);
  }

  /** The autoscaler's series (decisions per revision, tick duration). */
  public dev.pilotlight.autoscaler.metrics.AutoscalerMetrics metrics() {
    return loop.metrics();
  }

  @Override
  public void close() {
    loop.close();
  }
}
