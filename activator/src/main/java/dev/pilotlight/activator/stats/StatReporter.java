package dev.pilotlight.activator.stats;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps an accumulator per revision and turns them into one stat batch per interval. */
public final class StatReporter {
  private final Map<RevisionKey, ConcurrencyAccumulator> accumulators = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final StatSink sink;

  public StatReporter(Ticker ticker, StatSink sink) {
    this.ticker = ticker;
    this.sink = sink;
  }

  public ConcurrencyAccumulator of(RevisionKey revision) {
    return accumulators.computeIfAbsent(
        revision, k -> new ConcurrencyAccumulator(ticker.nanoTime()));
  }

  public void forget(RevisionKey revision) {
    accumulators.remove(revision);
  }

  /** Closes the interval of every revision and reports those that saw traffic. */
  public void report() {
    long now = ticker.nanoTime();
    List<StatRecord> batch = new ArrayList<>();
    for (Map.Entry<RevisionKey, ConcurrencyAccumulator> e : accumulators.entrySet()) {
      ConcurrencyAccumulator.Interval i = e.getValue().close(now);
      if (!i.idle()) {
        batch.add(new StatRecord(e.getKey(), i.averageConcurrency(), i.arrivals()));
      }
    }
    if (!batch.isEmpty()) {
      sink.report(batch);
    }
  }
}
