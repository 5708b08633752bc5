package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's pkg/autoscaler/scaling/autoscaler_test.go, ported: each test keeps Knative's name, its
 * inputs and its expected results. {@link Kn} plays Knative's stateful {@code autoscaler} over our
 * pure {@link ScaleDecider#scale} and the shell's {@link ScaleDownDelay}. Knative's {@code
 * time.Now()} is an arbitrary instant here. Not ported: the OpenTelemetry metric assertions
 * (TestAutoscalerStartMetrics; the metric parts of TestAutoscalerMetrics*), and TestCantCountPods
 * and TestNewFail (our ready count cannot fail to be read).
 */
class KnativeAutoscalerTest {
  static final long S = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long STABLE_WINDOW = 60 * S;
  static final long TICK_INTERVAL = 2 * S;
  static final double TARGET_UTILIZATION = 0.75;
  static final long NOW = 1_765_000_000L * S + 123 * MS;

  /** Knative's autoscaler under test: spec, fake metric client, fake pod counter, panic state. */
  static final class Kn {
    DeciderSpec spec;
    long scaleDownDelay;
    ScaleDownDelay delay = new ScaleDownDelay();
    int ready;
    double stable;
    double panic;
    boolean noData;
    long panicTime = -1;
    int maxPanicPods;

    Kn(DeciderSpec spec, int ready, long now) {
      this.spec = spec;
      this.ready = ready;
      DeciderState s = DeciderState.initial(0, ready, now);
      this.panicTime = s.panicSinceNanos();
      this.maxPanicPods = s.maxPanicPods();
    }

    Kn set(double stable, double panic) {
      this.stable = stable;
      this.panic = panic;
      return this;
    }

    ScaleResult scale(long now) {
      ScaleResult r =
          ScaleDecider.scale(
              spec, new WindowStats(stable, panic, !noData, ready), panicTime, maxPanicPods, now);
      panicTime = r.panicSinceNanos();
      maxPanicPods = r.maxPanicPods();
      if (r.valid() && spec.reachable() && scaleDownDelay > 0) {
        int d = delay.apply(now, r.desired(), scaleDownDelay);
        return new ScaleResult(true, d, r.excessBurstCapacity(), panicTime, maxPanicPods);
      }
      return r;
    }

    void expect(long now, int desired, int ebc, boolean valid) {
      ScaleResult r = scale(now);
      assertThat(r.valid()).as("valid").isEqualTo(valid);
      assertThat(r.desired()).as("desired").isEqualTo(desired);
      // Knative compares the excess burst capacity within ±1
      assertThat((double) r.excessBurstCapacity()).as("ebc").isCloseTo(ebc, Offset.offset(1.0));
    }

    void expect(long now, int desired) {
      ScaleResult r = scale(now);
      assertThat(r.valid()).isTrue();
      assertThat(r.desired()).as("desired").isEqualTo(desired);
    }
  }

  /** Knative's newTestAutoscalerWithScalingMetric: 75% utilization, threshold 2, rates 10. */
  static Kn newTestAutoscaler(double targetValue, double tbc) {
    return new Kn(
        new DeciderSpec(
            targetValue, targetValue / TARGET_UTILIZATION, tbc, 2, 10, 10, STABLE_WINDOW, 1, true),
        1,
        NOW);
  }

  static int expectedEBC(double totCap, double targetBC, double recorded, double numPods) {
    return (int) Math.floor(totCap / TARGET_UTILIZATION * numPods - targetBC - recorded);
  }

  static DeciderSpec delaySpec(boolean reachable) {
    return new DeciderSpec(10, 0, 0, 100, 10, 10, 0, 1, reachable);
  }

  @Test
  void TestAutoscalerScaleDownDelay() {
    Kn as = new Kn(delaySpec(true), 0, 0);
    as.scaleDownDelay = 300 * S;
    // simple
    as.set(40, 40).expect(2 * S, 4);
    as.set(0, 0).expect(300 * S, 4);
    as.expect(302 * S, 0);
    // gradual
    as.set(40, 40).expect(540 * S, 4);
    as.set(30, 30).expect(600 * S, 4);
    as.set(0, 0).expect(660 * S, 4);
    as.expect(840 * S, 3);
    as.expect(900 * S, 0);
  }

  @Test
  void TestAutoscalerScaleDownDelayNotReachable() {
    Kn as = new Kn(delaySpec(true), 0, 0);
    as.scaleDownDelay = 300 * S;
    as.set(40, 40).expect(2 * S, 4);
    as.set(0, 0).expect(60 * S, 4);
    as.spec = delaySpec(false);
    as.expect(2 * S, 0);
  }

  @Test
  void TestAutoscalerScaleDownDelayZero() {
    Kn as = new Kn(delaySpec(false), 0, 0);
    as.spec = new DeciderSpec(10, 0, 0, 100, 10, 10, 0, 1, false);
    as.set(40, 40).expect(0, 4);
    as.set(20, 20).expect(500 * MS, 2);
  }

  @Test
  void TestAutoscalerNoDataNoAutoscale() {
    Kn a = newTestAutoscaler(10, 100);
    a.noData = true;
    a.expect(NOW, 0, 0, false);
  }

  @Test
  void TestAutoscalerMetrics() {
    Kn a = newTestAutoscaler(10, 100).set(50, 50);
    a.expect(NOW, 5, expectedEBC(10, 100, 50, 1), true);
    assertThat(a.panicTime).as("panic mode").isGreaterThanOrEqualTo(0);
  }

  @Test
  void TestAutoscalerMetricsWithRPS() {
    Kn a = newTestAutoscaler(10, 100).set(100, 99);
    a.expect(NOW + 61 * S, 10, expectedEBC(10, 100, 99, 1), true);
    assertThat(a.panicTime).as("panic mode").isGreaterThanOrEqualTo(0);
  }

  @Test
  void TestAutoscalerStableModeIncreaseWithConcurrencyDefault() {
    Kn a = newTestAutoscaler(10, 101).set(50, 10);
    a.expect(NOW, 5, expectedEBC(10, 101, 10, 1), true);
    a.stable = 100;
    a.expect(NOW, 10, expectedEBC(10, 101, 10, 1), true);
  }

  @Test
  void TestAutoscalerStableModeIncreaseWithRPS() {
    Kn a = newTestAutoscaler(10, 101).set(50, 50);
    a.expect(NOW, 5, expectedEBC(10, 101, 50, 1), true);
    a.set(100, 99).expect(NOW, 10, expectedEBC(10, 101, 99, 1), true);
  }

  @Test
  void TestAutoscalerUnpanicAfterSlowIncrease() {
    Kn a = newTestAutoscaler(1, 98).set(11, 25);
    a.ready = 10;
    long start = NOW;
    long tm = start;
    a.expect(tm, 25, expectedEBC(1, 98, 25, 10), true);
    assertThat(a.panicTime).isEqualTo(tm);
    a.ready = 25 + 15;
    a.set(30, 41);
    tm += STABLE_WINDOW / 2;
    a.expect(tm, 41, expectedEBC(1, 98, 41, 40), true);
    assertThat(a.panicTime).as("panic time should not have moved").isEqualTo(start);
    a.ready = 25 + 30;
    a.set(50, 56);
    tm += STABLE_WINDOW / 2 + TICK_INTERVAL;
    a.expect(tm, 50, expectedEBC(1, 98, 56, 55), true);
    assertThat(a.panicTime).isEqualTo(-1);
  }

  @Test
  void TestAutoscalerExtendPanicWindow() {
    Kn a = newTestAutoscaler(1, 98).set(11, 25);
    a.ready = 10;
    long tm = NOW;
    a.expect(tm, 25, expectedEBC(1, 98, 25, 10), true);
    assertThat(a.panicTime).isEqualTo(tm);
    a.ready = 25 + 15;
    a.set(30, 80);
    tm += STABLE_WINDOW / 2;
    a.expect(tm, 80, expectedEBC(1, 98, 80, 40), true);
    assertThat(a.panicTime).isEqualTo(tm);
  }

  @Test
  void TestAutoscalerStableModeDecrease() {
    Kn a = newTestAutoscaler(10, 98).set(100, 100);
    a.ready = 8;
    a.expect(NOW, 10, expectedEBC(10, 98, 100, 8), true);
    a.set(50, 50).expect(NOW, 5, expectedEBC(10, 98, 50, 8), true);
  }

  @Test
  void TestAutoscalerStableModeNoTrafficScaleToZero() {
    Kn a = newTestAutoscaler(10, 75).set(1, 0);
    a.expect(NOW, 1, expectedEBC(10, 75, 0, 1), true);
    a.stable = 0;
    a.expect(NOW, 0, expectedEBC(10, 75, 0, 1), true);
  }

  @Test
  void TestAutoscalerActivationScale() {
    Kn a = newTestAutoscaler(10, 75).set(0, 0);
    DeciderSpec s = a.spec;
    a.spec =
        new DeciderSpec(
            s.targetValue(),
            s.totalValue(),
            s.targetBurstCapacity(),
            s.panicThreshold(),
            s.maxScaleUpRate(),
            s.maxScaleDownRate(),
            s.stableWindowNanos(),
            2,
            s.reachable());
    a.expect(NOW, 0, expectedEBC(10, 75, 0, 1), true);
    a.stable = 1;
    a.expect(NOW, 2, expectedEBC(10, 75, 0, 1), true);
  }

  @Test
  void TestAutoscalerPanicModeExponentialTrackAndStabilize() {
    Kn a = newTestAutoscaler(1, 101).set(6, 6);
    a.expect(NOW, 6, expectedEBC(1, 101, 6, 1), true);
    long tm = NOW + S;
    a.ready = 6;
    a.set(36, 36).expect(tm, 36, expectedEBC(1, 101, 36, 6), true);
    assertThat(a.panicTime).isEqualTo(tm);
    a.ready = 36;
    tm += S;
    a.set(216, 216).expect(tm, 216, expectedEBC(1, 101, 216, 36), true);
    assertThat(a.panicTime).isEqualTo(tm);
    a.ready = 216;
    a.set(1296, 1296).expect(tm, 1296, expectedEBC(1, 101, 1296, 216), true);
    assertThat(a.panicTime).isEqualTo(tm);
    a.ready = 1296;
    tm += S;
    a.expect(tm, 1296, expectedEBC(1, 101, 1296, 1296), true);
  }

  static Arguments row(
      String label,
      double target,
      double tbc,
      double stable,
      double panic,
      int baseScale,
      Consumer<Kn> prep,
      int wantScale,
      int wantEBC) {
    return Arguments.of(label, target, tbc, stable, panic, baseScale, prep, wantScale, wantEBC);
  }

  static DeciderSpec with(DeciderSpec s, double up, double down, boolean reachable) {
    return new DeciderSpec(
        s.targetValue(),
        s.totalValue(),
        s.targetBurstCapacity(),
        s.panicThreshold(),
        up,
        down,
        s.stableWindowNanos(),
        s.activationScale(),
        reachable);
  }

  static Stream<Arguments> TestAutoscalerScale() {
    Consumer<Kn> panicking5 =
        a -> {
          a.panicTime = NOW - 5 * S;
          a.maxPanicPods = 5;
        };
    return Stream.of(
        row(
            "AutoscalerNoDataAtZeroNoAutoscale",
            10,
            100,
            0,
            0,
            1,
            null,
            0,
            expectedEBC(10, 100, 0, 1)),
        row(
            "AutoscalerNoDataAtZeroNoAutoscaleWithExplicitEPs",
            10,
            100,
            0,
            0,
            1,
            null,
            0,
            expectedEBC(10, 100, 0, 1)),
        row("AutoscalerStableModeUnlimitedTBC", 181, -1, 21, 26, 1, null, 1, -1),
        row("Autoscaler0TBC", 10, 0, 50, 49, 1, null, 5, 0),
        row(
            "AutoscalerStableModeNoChange",
            10,
            100,
            50,
            50,
            1,
            null,
            5,
            expectedEBC(10, 100, 50, 1)),
        row(
            "AutoscalerPanicStableLargerThanPanic",
            1,
            100,
            50,
            30,
            5,
            panicking5,
            50,
            expectedEBC(1, 100, 30, 5)),
        row(
            "AutoscalerPanicStableLessThanPanic",
            1,
            100,
            20,
            30,
            5,
            panicking5,
            30,
            expectedEBC(1, 100, 30, 5)),
        row(
            "AutoscalerStableModeNoChangeAlreadyScaled",
            10,
            100,
            50,
            50,
            5,
            null,
            5,
            expectedEBC(10, 100, 50, 5)),
        row(
            "AutoscalerStableModeIncreaseWithSmallScaleUpRate",
            1,
            1982,
            3,
            3.1,
            2,
            a -> a.spec = with(a.spec, 1.1, a.spec.maxScaleDownRate(), true),
            3,
            expectedEBC(1, 1982, 3.1, 2)),
        row(
            "AutoscalerStableModeDecreaseWithSmallScaleDownRate",
            10,
            1982,
            1,
            1,
            100,
            a -> a.spec = with(a.spec, a.spec.maxScaleUpRate(), 1.1, true),
            90,
            expectedEBC(10, 1982, 1, 100)),
        row(
            "AutoscalerStableModeDecreaseNonReachable",
            10,
            1982,
            1,
            1,
            100,
            a -> a.spec = with(a.spec, a.spec.maxScaleUpRate(), 1.1, false),
            1,
            expectedEBC(10, 1982, 1, 100)),
        row(
            "AutoscalerPanicModeDoublePodCount",
            10,
            84,
            50,
            100,
            1,
            null,
            10,
            expectedEBC(10, 84, 100, 1)));
  }

  @ParameterizedTest(name = "TestAutoscalerScale {0}")
  @MethodSource
  void TestAutoscalerScale(
      String label,
      double target,
      double tbc,
      double stable,
      double panic,
      int baseScale,
      Consumer<Kn> prep,
      int wantScale,
      int wantEBC) {
    Kn a = newTestAutoscaler(target, tbc).set(stable, panic);
    a.ready = baseScale;
    if (prep != null) {
      prep.accept(a);
    }
    a.expect(NOW, wantScale, wantEBC, true);
  }

  @Test
  void TestAutoscalerPanicThenUnPanicScaleDown() {
    Kn a = newTestAutoscaler(10, 93).set(100, 100);
    a.expect(NOW, 10, expectedEBC(10, 93, 100, 1), true);
    a.ready = 10;
    long panicTime = NOW + S;
    a.panic = 1000;
    a.expect(panicTime, 100, expectedEBC(10, 93, 1000, 10), true);
    a.set(1, 1).expect(panicTime + 30 * S, 100, expectedEBC(10, 93, 1, 10), true);
    a.expect(panicTime + 61 * S, 1, expectedEBC(10, 93, 1, 10), true);
  }

  @Test
  void TestAutoscalerRateLimitScaleUp() {
    Kn a = newTestAutoscaler(10, 61).set(1000, 1001);
    a.expect(NOW, 10, expectedEBC(10, 61, 1001, 1), true);
    a.ready = 10;
    a.expect(NOW, 100, expectedEBC(10, 61, 1001, 10), true);
  }

  @Test
  void TestAutoscalerRateLimitScaleDown() {
    Kn a = newTestAutoscaler(10, 61).set(1, 1);
    a.ready = 100;
    a.expect(NOW, 10, expectedEBC(10, 61, 1, 100), true);
    a.ready = 10;
    a.expect(NOW, 1, expectedEBC(10, 61, 1, 10), true);
  }

  @Test
  void TestAutoscalerUseOnePodAsMinimumIfEndpointsNotFound() {
    Kn a = newTestAutoscaler(10, 81).set(1000, 888);
    a.ready = 0;
    a.expect(NOW, 10, expectedEBC(10, 81, 888, 0), true);
  }

  @Test
  void TestAutoscalerUpdateTarget() {
    Kn a = newTestAutoscaler(10, 77).set(100, 101);
    a.expect(NOW, 10, expectedEBC(10, 77, 101, 1), true);
    a.ready = 10;
    a.spec = new DeciderSpec(1, 1 / TARGET_UTILIZATION, 71, 2, 10, 10, STABLE_WINDOW, 1, true);
    a.expect(NOW, 100, expectedEBC(1, 71, 101, 10), true);
  }

  @Test
  void TestStartInPanicMode() {
    DeciderSpec spec = new DeciderSpec(100, 120, 11, 220, 10, 10, STABLE_WINDOW, 1, true);
    for (int i = 0; i < 2; i++) {
      Kn a = new Kn(spec, i, NOW);
      assertThat(a.panicTime).as("created at scale %d in panic", i).isEqualTo(-1);
      assertThat(a.maxPanicPods).isEqualTo(i);
    }
    Kn a = new Kn(spec, 2, NOW);
    assertThat(a.panicTime).as("created at scale 2 in panic").isGreaterThanOrEqualTo(0);
    assertThat(a.maxPanicPods).isEqualTo(2);
  }
}
