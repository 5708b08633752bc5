package dev.pilotlight.autoscaler.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.StatBatch;
import dev.pilotlight.testkit.ManualTicker;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentBatchesTest {
  final ManualTicker ticker = new ManualTicker();
  final RecentBatches recent = new RecentBatches(ticker);

  static StatBatch batch(String instance, long sequence) {
    return new StatBatch("a", instance, sequence, List.of(), List.of());
  }

  @Test
  void aNumberedBatchIsFirstOnce_unnumberedOnesAlways() {
    assertThat(recent.first(batch("i", 1))).isTrue();
    assertThat(recent.first(batch("i", 1))).isFalse();
    assertThat(recent.first(batch("i", 2))).isTrue();
    assertThat(recent.first(batch("j", 1))).isTrue();
    assertThat(recent.first(new StatBatch("a", List.of(), List.of()))).isTrue();
    assertThat(recent.first(new StatBatch("a", List.of(), List.of()))).isTrue();
    assertThat(recent.first(batch(null, 5))).isTrue();
    assertThat(recent.first(batch(null, 5))).isTrue();
  }

  @Test
  void entriesAreForgottenAfterAMinute() {
    recent.first(batch("i", 1));
    ticker.advanceSeconds(59);
    assertThat(recent.first(batch("i", 1))).isFalse();
    ticker.advanceSeconds(2);
    assertThat(recent.size()).isZero();
    assertThat(recent.first(batch("i", 1))).as("long forgotten").isTrue();
  }

  @Test
  void atMostMaxEntriesAreKept() {
    for (int i = 1; i <= RecentBatches.MAX_ENTRIES + 1000; i++) {
      recent.first(batch("i", i));
    }
    assertThat(recent.size()).isLessThanOrEqualTo(RecentBatches.MAX_ENTRIES);
  }
}
