package dev.pilotlight.autoscaler.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BucketWindowTest {
  static final long S = 1_000_000_000L;

  /** The naive reference: every recording kept, averages computed by brute force. */
  record Naive(long originSecond, List<long[]> samples, List<Double> values) {
    double average(long nowNanos, int window) {
      long current = Math.floorDiv(nowNanos, S);
      boolean currentHasData = samples.stream().anyMatch(s -> s[0] == current);
      long now = currentHasData ? current : current - 1;
      long from = Math.max(current - window + 1, originSecond);
      if (from > now) {
        return 0;
      }
      double total = 0;
      for (int i = 0; i < samples.size(); i++) {
        long sec = samples.get(i)[0];
        if (sec >= from && sec <= now) {
          total += values.get(i);
        }
      }
      return total / (now - from + 1);
    }
  }

  @RepeatedTest(20)
  void matchesTheNaiveReference(org.junit.jupiter.api.RepetitionInfo info) {
    Random random = new Random(info.getCurrentRepetition());
    int capacity = 1 + random.nextInt(60);
    long origin = random.nextInt(1000) * S + random.nextInt(1_000_000_000);
    BucketWindow window = new BucketWindow(capacity, origin);
    Naive naive = new Naive(Math.floorDiv(origin, S), new ArrayList<>(), new ArrayList<>());
    long now = origin;
    for (int step = 0; step < 500; step++) {
      now += random.nextInt(3) == 0 ? random.nextInt(5) * S : random.nextInt(400_000_000);
      if (random.nextBoolean()) {
        double v = random.nextInt(50) / 2.0;
        window.record(now, v);
        naive.samples().add(new long[] {Math.floorDiv(now, S)});
        naive.values().add(v);
      }
      int w = 1 + random.nextInt(capacity);
      assertThat(window.average(now, w)).isCloseTo(naive.average(now, w), Offset.offset(1e-9));
    }
  }

  @Test
  void weightedAverageFavoursRecentSeconds() {
    BucketWindow w = new BucketWindow(10, 0);
    for (int s = 0; s < 10; s++) {
      w.record(s * S, s < 5 ? 0 : 10);
    }
    double linear = w.average(9 * S, 10);
    double weighted = w.weightedAverage(9 * S, 10);
    assertThat(linear).isEqualTo(5);
    assertThat(weighted).isGreaterThan(linear).isLessThan(10);
    // the oldest second of a full window weighs a fifth of the newest
    BucketWindow one = new BucketWindow(10, 0);
    one.record(0, 1);
    one.record(9 * S, 0);
    BucketWindow other = new BucketWindow(10, 0);
    other.record(9 * S, 1);
    assertThat(one.weightedAverage(9 * S, 10) / other.weightedAverage(9 * S, 10))
        .isCloseTo(0.2, Offset.offset(1e-9));
    // constant input averages to itself
    BucketWindow flat = new BucketWindow(10, 0);
    for (int s = 0; s < 10; s++) {
      flat.record(s * S, 4);
    }
    assertThat(flat.weightedAverage(9 * S, 10)).isCloseTo(4, Offset.offset(1e-9));
  }

  @Test
  void idleSecondsCountAsZero_andHistoryBeforeTheOriginDoesNotExist() {
    BucketWindow w = new BucketWindow(10, 100 * S);
    w.record(100 * S, 10);
    assertThat(w.average(100 * S, 10)).isEqualTo(10);
    assertThat(w.average(104 * S, 10))
        .as("seconds 100..103: the empty current one not yet")
        .isEqualTo(2.5);
    assertThat(w.isFull(104 * S, 10)).isFalse();
    assertThat(w.isFull(109 * S, 10)).isTrue();
    assertThat(w.average(115 * S, 10)).isZero();
  }
}
