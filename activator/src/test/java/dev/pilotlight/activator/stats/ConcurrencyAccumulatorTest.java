package dev.pilotlight.activator.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.testkit.ManualTicker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ConcurrencyAccumulatorTest {
  final ManualTicker ticker = new ManualTicker();

  @Test
  void averageIsTimeWeighted() {
    ConcurrencyAccumulator a = new ConcurrencyAccumulator(ticker.nanoTime());
    a.arrived(ticker.nanoTime());
    ticker.advanceMillis(500);
    a.arrived(ticker.nanoTime());
    ticker.advanceMillis(250);
    a.finished(ticker.nanoTime());
    a.finished(ticker.nanoTime());
    ticker.advanceMillis(250);
    ConcurrencyAccumulator.Interval i = a.close(ticker.nanoTime());
    // 1 for 500 ms, 2 for 250 ms, 0 for 250 ms
    assertThat(i.averageConcurrency()).isCloseTo(1.0, Offset.offset(1e-9));
    assertThat(i.arrivals()).isEqualTo(2);
    ticker.advanceMillis(1000);
    assertThat(a.close(ticker.nanoTime()).idle()).isTrue();
  }

  @Test
  void reporterSendsOnlyRevisionsWithTraffic() {
    List<StatRecord> sent = new ArrayList<>();
    StatReporter r =
        new StatReporter(
            ticker,
            new StatSink() {
              @Override
              public void report(Collection<StatRecord> batch) {
                sent.addAll(batch);
              }

              @Override
              public void poke(RevisionKey revision) {}
            });
    RevisionKey busy = new RevisionKey("default", "busy");
    r.of(new RevisionKey("default", "idle"));
    r.of(busy).arrived(ticker.nanoTime());
    ticker.advanceMillis(1000);
    r.report();
    assertThat(sent).containsExactly(new StatRecord(busy, 1.0, 1));
  }
}
