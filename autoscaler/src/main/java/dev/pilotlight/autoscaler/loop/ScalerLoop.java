package dev.pilotlight.autoscaler.loop;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScaleListener;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.autoscaler.metrics.AutoscalerMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Everything the autoscaler does runs on one scheduler thread: callers from any thread hand their
 * input over with {@code execute} and return at once, so intake never blocks the gateway and the
 * per-revision state needs no locks.
 */
public final class ScalerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScalerLoop.class);

  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final Duration tickInterval;
  private final ScaleListener listener;
  private final AutoscalerMetrics metrics = new AutoscalerMetrics();
  private final Map<RevisionKey, RevisionScaler> scalers = new HashMap<>();
  private final Map<RevisionKey, ScaleDecision> published = new ConcurrentHashMap<>();
  private ScheduledFuture<?> ticks;

  public ScalerLoop(
      ScheduledExecutorService scheduler,
      Ticker ticker,
      Duration tickInterval,
      ScaleListener listener) {
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.tickInterval = tickInterval;
    this.listener = listener;
  }

  public synchronized void start() {
    if (ticks == null) {
      ticks =
          scheduler.scheduleAtFixedRate(
              this::tick, tickInterval.toNanos(), tickInterval.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  public void report(Collection<StatRecord> batch) {
    List<StatRecord> copy = List.copyOf(batch);
    run(
        () -> {
          long now = ticker.nanoTime();
          for (StatRecord r : copy) {
            RevisionScaler s = scalers.get(r.revision());
            if (s != null) {
              s.record(now, r.averageConcurrency(), r.requestCount());
              if (s.coldStarting() && r.averageConcurrency() > 0) {
                // Knative's poke: a report of traffic for a revision without ready instances is
                // decided on at once, not at the next tick
                decide(s, now);
              }
            }
          }
        });
  }

  public void poke(RevisionKey revision) {
    run(
        () -> {
          RevisionScaler s = scalers.get(revision);
          if (s != null) {
            ScaleDecision d = s.poke(ticker.nanoTime());
            if (d != null) {
              publish(s, d);
            }
          }
        });
  }

  public void upsert(ScalingTarget target) {
    run(
        () -> {
          long now = ticker.nanoTime();
          RevisionScaler s = scalers.get(target.revision());
          if (s == null) {
            s = new RevisionScaler(target, now, metrics.revision(target.revision()));
            scalers.put(target.revision(), s);
            publish(s, s.initialDecision());
          } else {
            s.update(target, now);
          }
        });
  }

  public void remove(RevisionKey revision) {
    run(
        () -> {
          scalers.remove(revision);
          published.remove(revision);
          metrics.forget(revision);
        });
  }

  public Optional<ScaleDecision> lastDecision(RevisionKey revision) {
    return Optional.ofNullable(published.get(revision));
  }

  /** The decisions' series. */
  public AutoscalerMetrics metrics() {
    return metrics;
  }

  /** One decision round over every revision; public so tests drive it without a clock. */
  public void tick() {
    long now = ticker.nanoTime();
    for (RevisionScaler s : List.copyOf(scalers.values())) {
      decide(s, now);
    }
    metrics.tickTook(ticker.nanoTime() - now);
  }

  private void decide(RevisionScaler s, long now) {
    try {
      ScaleDecision d = s.decide(now);
      if (d != null) {
        publish(s, d);
      }
    } catch (RuntimeException e) {
      try (MDC.MDCCloseable m =
          MDC.putCloseable("revision", String.valueOf(s.target().revision()))) {
        LOG.warn("cannot decide scale of {}", s.target().revision(), e);
      }
    }
  }

  private void publish(RevisionScaler s, ScaleDecision d) {
    s.metrics().decided(d.desiredScale(), d.panic());
    ScaleDecision changed = s.toPublish(d);
    if (changed == null) {
      return;
    }
    published.put(d.revision(), d);
    try {
      listener.onDecision(changed);
    } catch (RuntimeException e) {
      try (MDC.MDCCloseable m = MDC.putCloseable("revision", String.valueOf(d.revision()))) {
        LOG.warn("scale listener failed for {}", d.revision(), e);
      }
    }
  }

  private void run(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      // shutting down: nothing left to scale
    }
  }

  @Override
  public synchronized void close() {
    if (ticks != null) {
      ticks.cancel(false);
    }
  }
}
