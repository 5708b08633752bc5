package dev.pilotlight.autoscaler.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's pkg/autoscaler/aggregation/bucketing_test.go, ported: every test keeps Knative's name
 * and its inputs and expected outputs. Knative reads {@code time.Now()}; here "now" is an arbitrary
 * instant that is not on a second boundary.
 */
class BucketWindowTest {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long NOW = 1_765_000_000L * S + 437 * MS;

  static BucketWindow linear(int seconds) {
    return BucketWindow.linear(Duration.ofSeconds(seconds));
  }

  static double sum(BucketWindow b, long now) {
    double[] sum = {0};
    b.forEachBucket(now, (t, v) -> sum[0] += v);
    return sum[0];
  }

  static long trunc(long nanos, long g) {
    return Math.floorDiv(nanos, g) * g;
  }

  static Stream<Arguments> TestComputeDecayMultiplier() {
    return Stream.of(
        Arguments.of(100, 0.2),
        Arguments.of(60, 0.2),
        Arguments.of(40, 0.20567),
        Arguments.of(6, 0.78456));
  }

  @ParameterizedTest(name = "TestComputeDecayMultiplier nb={0}")
  @MethodSource
  void TestComputeDecayMultiplier(int nb, double want) {
    // Knative's tolerance is weightPrecision (0.9999); ours is the precision of the vector
    assertThat(BucketWindow.smoothingCoefficient(nb)).isCloseTo(want, Offset.offset(1e-5));
  }

  static Stream<Arguments> TestTimedFloat64BucketsSimple() {
    long t1 = trunc(NOW, S);
    long t5 = trunc(NOW, 5 * S);
    return Stream.of(
        Arguments.of(
            "granularity = 1s",
            1,
            new long[] {t1, t1 + 100 * MS, t1 + S, t1 + 3 * S},
            new double[] {1, 10, 1, 1},
            Map.of(t1, 11.0, t1 + S, 1.0, t1 + 3 * S, 1.0)),
        Arguments.of(
            "granularity = 5s",
            5,
            new long[] {t5, t5 + 3 * S, t5 + 6 * S},
            new double[] {1, 11, 1},
            Map.of(t5, 12.0, t5 + 5 * S, 1.0)),
        Arguments.of("empty", 1, new long[0], new double[0], Map.of()));
  }

  @ParameterizedTest(name = "TestTimedFloat64BucketsSimple {0}")
  @MethodSource
  void TestTimedFloat64BucketsSimple(
      String name, int granularity, long[] times, double[] values, Map<Long, Double> want) {
    BucketWindow b =
        new BucketWindow(Duration.ofMinutes(2), Duration.ofSeconds(granularity), false);
    long t1 = trunc(NOW, S);
    assertThat(b.isEmpty(t1)).isTrue();
    for (int i = 0; i < times.length; i++) {
      b.record(times[i], values[i]);
    }
    Map<Long, Double> got = new LinkedHashMap<>();
    b.forEachBucket(
        t1 + 60 * S,
        (t, v) -> {
          if (v > 0) {
            got.put(t, v);
          }
        });
    assertThat(got).isEqualTo(want);
  }

  @Test
  void TestTimedFloat64BucketsManyReps() {
    long t = trunc(NOW, S);
    BucketWindow b = linear(60);
    for (int p = 0; p < 5; p++) {
      t += S;
      for (int k = 0; k < 5; k++) {
        b.record(t, p + k);
      }
    }
    assertThat(sum(b, t)).isEqualTo(100);
    assertThat(sum(b, t)).isEqualTo(100);
  }

  @Test
  void TestTimedFloat64BucketsManyRepsWithNonMonotonicalOrder() {
    long start = trunc(NOW, S);
    long end = start;
    BucketWindow b = linear(60);
    int[] d = {0, 3, 2, 1, 4};
    for (int p = 0; p < 5; p++) {
      end = start + d[p] * S;
      for (int k = 0; k < 5; k++) {
        b.record(end, p + k);
      }
    }
    assertThat(sum(b, end)).isEqualTo(100);
    assertThat(sum(b, end)).isEqualTo(100);
  }

  @Test
  void TestTimedFloat64BucketsWeightedAverage() {
    BucketWindow b = BucketWindow.weighted(Duration.ofSeconds(5));
    double m = b.smoothing();
    b.record(NOW, 2);
    double want = 2 * m;
    assertThat(b.average(NOW)).isEqualTo(want);
    want *= 1 - m;
    assertThat(b.average(NOW + S)).isEqualTo(want);
    b.record(NOW + S, 2);
    want += 2 * m;
    assertThat(b.average(NOW + S)).isEqualTo(want);
    for (int i = 0; i < 5; i++) {
      b.record(NOW + (2 + i) * S, i + 2);
    }
    want =
        6 * m
            + 5 * m * (1 - m)
            + 4 * m * (1 - m) * (1 - m)
            + 3 * m * (1 - m) * (1 - m) * (1 - m)
            + 2 * m * (1 - m) * (1 - m) * (1 - m) * (1 - m);
    // Knative compares exactly; the product order of its expression differs from the loop's by an
    // ulp
    assertThat(b.average(NOW + 6 * S)).isCloseTo(want, Offset.offset(1e-12));
    assertThat(b.average(NOW + 16 * S)).isZero();
  }

  @Test
  void TestTimedFloat64BucketsWindowAverage() {
    long now = NOW;
    BucketWindow b = linear(5);
    b.record(now, 1);
    assertThat(b.average(now)).as("firstWrite is used; without it 0.2").isEqualTo(1);
    for (int i = 1; i < 5; i++) {
      b.record(now + i * S, i + 1);
    }
    assertThat(b.average(now + 4 * S)).isEqualTo(15. / 5);
    assertThat(b.average(now + 3600 * MS)).as("now lags behind").isEqualTo(15. / 5);
    assertThat(b.average(now + 6 * S)).as("short hole").isEqualTo((15. - 1 - 2) / (5 - 2));
    assertThat(b.average(now + 10 * S)).as("long hole").isZero();
    b.record(now + 6 * S, 91);
    assertThat(b.average(now + 6 * S)).as("write with holes").isEqualTo((15. - 1 - 2 + 91) / 5);
    now += 60 * S;
    b.record(now, 1984);
    assertThat(b.average(now)).as("advance much farther").isEqualTo(1984);
    b.record(now - 3 * S, 4);
    assertThat(b.average(now)).as("an earlier time").isEqualTo((4. + 1984) / 4);
    now += S;
    b.record(now, 5);
    assertThat(b.average(now)).isEqualTo((4. + 1984 + 5) / 5);
    b.record(now - 3 * S, 10);
    assertThat(b.average(now)).isEqualTo((4. + 10 + 1984 + 5) / 5);
    b.record(now - 6 * S, 10);
    assertThat(b.average(now)).as("too early: ignored").isEqualTo((4. + 10 + 1984 + 5) / 5);
    b.record(now - 5 * S, 10);
    assertThat(b.average(now)).as("bound timestamp: ignored").isEqualTo((4. + 10 + 1984 + 5) / 5);
    b.record(now + 5 * S, 10);
    assertThat(b.average(now + 5 * S)).as("cleared after exactly a window").isEqualTo(10);
  }

  @Test
  void TestDescendingRecord() {
    BucketWindow b = linear(5);
    for (int i = 8; i >= 0; i--) {
      b.record(NOW + i * S, 5);
    }
    assertThat(b.average(NOW + 5 * S)).isEqualTo(5);
  }

  @Test
  void TestTimedFloat64BucketsHoles() {
    BucketWindow b = linear(5);
    for (int i = 0; i < 5; i++) {
      b.record(NOW + i * S, i + 1);
    }
    assertThat(sum(b, NOW + 4 * S)).isEqualTo(15);
    assertThat(b.average(NOW + 4 * S)).isEqualTo(15. / 5);
    b.record(NOW + 8 * S, 2);
    assertThat(sum(b, NOW + 8 * S)).isEqualTo(7);
  }

  @Test
  void TestWeightedFloat64BucketsResizeWindow() {
    BucketWindow b = BucketWindow.weighted(Duration.ofSeconds(5));
    assertThat(b.smoothing()).isEqualTo(BucketWindow.smoothingCoefficient(5));
    for (int i = 0; i < 6; i++) {
      b.record(NOW + i * S, i + 1);
    }
    long now = NOW + 5 * S;
    assertThat(sum(b, now)).isEqualTo(2. + 3 + 4 + 5 + 6);
    assertThat(BucketWindow.roundToNDigits(3, b.average(now))).isEqualTo(5.812);
    b.resize(now, Duration.ofSeconds(10));
    assertThat(b.bucketCount()).isEqualTo(10);
    assertThat(b.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.smoothing()).isEqualTo(BucketWindow.smoothingCoefficient(10));
  }

  @Test
  void TestTimedFloat64BucketsResizeWindow() {
    BucketWindow b = linear(5);
    for (int i = 0; i < 6; i++) {
      b.record(NOW + i * S, i + 1);
    }
    long now = NOW + 5 * S;
    double wantInitial = 2. + 3 + 4 + 5 + 6;
    assertThat(sum(b, now)).isEqualTo(wantInitial);
    assertThat(b.average(now)).isEqualTo(wantInitial / 5);
    b.resize(now, Duration.ofSeconds(10));
    assertThat(b.bucketCount()).isEqualTo(10);
    assertThat(b.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(sum(b, now)).isEqualTo(wantInitial);
    assertThat(b.average(now)).as("at most 5 buckets were had").isEqualTo(wantInitial / 5);
    now += S;
    b.record(now, 7);
    double wantWithUpdate = wantInitial + 7;
    assertThat(sum(b, now)).isEqualTo(wantWithUpdate);
    assertThat(b.average(now)).isEqualTo(BucketWindow.roundToNDigits(6, wantWithUpdate / 6));
    b.resize(now, Duration.ofSeconds(4));
    assertThat(b.bucketCount()).isEqualTo(4);
    double wantWithShrink = wantWithUpdate - 2 - 3;
    assertThat(sum(b, now)).isEqualTo(wantWithShrink);
    assertThat(b.average(now)).isEqualTo(wantWithShrink / 4);
    long first = b.firstWriteIndex();
    b.resize(now, Duration.ofSeconds(4));
    assertThat(b.firstWriteIndex()).as("idempotent").isEqualTo(first);
    assertThat(sum(b, now)).isEqualTo(wantWithShrink);
  }

  @Test
  void TestTimedFloat64BucketsWindowUpdate3sGranularity() {
    long g = 3 * S;
    long t1 = trunc(NOW, g);
    BucketWindow b = new BucketWindow(Duration.ofSeconds(5), Duration.ofSeconds(3), false);
    assertThat(b.bucketCount()).isEqualTo(2);
    double[] values = {10, 2, 3, 4, 5, 6, 7};
    for (int i = 0; i < values.length; i++) {
      b.record(t1 + i * S, values[i]);
    }
    double want = (4. + 5 + 6) + 7;
    assertThat(sum(b, t1 + 6 * S)).isEqualTo(want);
    b.resize(t1 + 6 * S, Duration.ofSeconds(10));
    assertThat(b.bucketCount()).isEqualTo(4);
    assertThat(b.window()).isEqualTo(Duration.ofSeconds(10));
    assertThat(sum(b, t1 + 6 * S)).isEqualTo(want);
    b.record(t1 + 9 * S + 300 * MS, 42);
    want += 42;
    assertThat(sum(b, t1 + 9 * S)).isEqualTo(want);
    b.resize(t1 + 9 * S, Duration.ofSeconds(4));
    assertThat(b.bucketCount()).isEqualTo(2);
    assertThat(sum(b, t1 + 9 * S)).isEqualTo(42 + 7);
  }

  @Test
  void TestTimedFloat64BucketsWindowUpdateNoOp() {
    long start = NOW - 60 * S;
    BucketWindow b = linear(5);
    b.record(start, 19.82);
    assertThat(b.firstWriteIndex()).isEqualTo(b.lastWriteIndex());
    b.resize(NOW, Duration.ofSeconds(10));
    assertThat(b.firstWriteIndex()).as("zero time").isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void TestRoundToNDigits() {
    assertThat(BucketWindow.roundToNDigits(6, 3.6e-17)).isEqualTo(0.);
    assertThat(BucketWindow.roundToNDigits(3, -3.6e-17)).isEqualTo(0.);
    assertThat(BucketWindow.roundToNDigits(3, 0.0004)).isEqualTo(0.);
    assertThat(BucketWindow.roundToNDigits(3, 1.2345)).isEqualTo(1.235);
    assertThat(BucketWindow.roundToNDigits(4, 1.2345)).isEqualTo(1.2345);
    assertThat(BucketWindow.roundToNDigits(6, 12345)).isEqualTo(12345.);
  }

  /** The brief's example: the first write after more than a window of silence is the average. */
  @Test
  void firstWriteAfterSilenceIsTheAverage_notDilutedByZeros() {
    BucketWindow b = linear(60);
    b.record(NOW, 10);
    b.record(NOW + 100 * S, 1984);
    assertThat(b.average(NOW + 100 * S)).isEqualTo(1984);
    assertThat(b.isEmpty(NOW + 160 * S)).isFalse();
    assertThat(b.isEmpty(NOW + 161 * S)).isTrue();
  }
}
