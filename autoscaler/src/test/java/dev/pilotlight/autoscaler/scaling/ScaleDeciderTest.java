package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScaleDeciderTest {
  static final long S = 1_000_000_000L;

  /** target 10 × 70% = 7 concurrent requests per instance; grace 30 s; window 60 s. */
  static final ScalingSpec SPEC =
      ScalingSpecs.resolve(
          Map.of(AutoscalingAnnotations.TARGET, "10"), 0, AutoscalerConfig.DEFAULTS);

  static WindowStats stats(double stable, double panic, boolean hasData, int ready) {
    return new WindowStats(stable, panic, hasData, ready);
  }

  /** A revision that has been serving for long, not panicking. */
  static DeciderState st(int desired, long zeroSince) {
    return new DeciderState(desired, -1, 0, zeroSince, DeciderState.LONG_AGO);
  }

  static Decision decide(WindowStats stats, ScalingSpec spec, DeciderState prior, long now) {
    return ScaleDecider.decide(stats, spec, true, prior, now);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("steady load at target", stats(14, 14, true, 2), 2, 2),
        Arguments.of("scale up on load", stats(35, 35, true, 5), 5, 5),
        Arguments.of("up rate bound: 1000x of max(1, ready)", stats(100_000, 0, true, 1), 1, 1000),
        Arguments.of("down rate bound: at most halve", stats(7, 7, true, 10), 10, 5));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(String name, WindowStats stats, int priorDesired, int expected) {
    Decision d = decide(stats, SPEC, st(priorDesired, -1), 100 * S);
    assertThat(d.desired()).as(d.reason()).isEqualTo(expected);
  }

  @Test
  void noDataNoDecision() {
    // Knative: without data the decider gives no answer and the scale stays as it is
    assertThat(decide(stats(0, 0, false, 4), SPEC, st(4, -1), 100 * S)).isNull();
    assertThat(decide(stats(0, 0, false, 0), SPEC, st(1, -1), 100 * S)).isNull();
  }

  @Test
  void anInstanceReadyForLessThanAStableWindowIsKept() {
    DeciderState justActive = new DeciderState(1, -1, 0, -1, 100 * S);
    assertThat(decide(stats(0, 0, true, 1), SPEC, justActive, 159 * S).desired()).isEqualTo(1);
    Decision d = decide(stats(0, 0, true, 1), SPEC, justActive, 160 * S);
    assertThat(d.desired()).as("then the grace starts").isEqualTo(1);
    assertThat(d.state().zeroSinceNanos()).isEqualTo(160 * S);
  }

  @Test
  void unreachable_noRetentionNoMinScaleNoScaleDownLimit() {
    ScalingSpec spec =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.MIN_SCALE, "3",
                AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION, "10m"),
            0,
            AutoscalerConfig.DEFAULTS);
    DeciderState zeroSince = st(1, 100 * S);
    assertThat(ScaleDecider.decide(stats(0, 0, true, 1), spec, false, zeroSince, 130 * S).desired())
        .as("grace only")
        .isZero();
    assertThat(ScaleDecider.decide(stats(0, 0, true, 1), spec, true, zeroSince, 130 * S).desired())
        .as("routed: min-scale")
        .isEqualTo(3);
    assertThat(ScaleDecider.decide(stats(7, 7, true, 10), SPEC, false, st(10, -1), 0).desired())
        .as("no scale-down rate limit")
        .isEqualTo(1);
  }

  @Test
  void scaleToZeroWaitsForTheGracePeriod() {
    DeciderState state = st(1, -1);
    Decision d = decide(stats(0, 0, true, 1), SPEC, state, 100 * S);
    assertThat(d.desired()).isEqualTo(1);
    d = decide(stats(0, 0, true, 1), SPEC, d.state(), 129 * S);
    assertThat(d.desired()).isEqualTo(1);
    d = decide(stats(0, 0, true, 1), SPEC, d.state(), 130 * S);
    assertThat(d.desired()).isZero();
    // traffic in between resets the grace
    Decision back = decide(stats(1, 1, true, 1), SPEC, st(1, 110 * S), 115 * S);
    assertThat(back.state().zeroSinceNanos()).isEqualTo(-1);
  }

  @Test
  void minScaleHoldsOnlyWhileRouted_enableScaleToZeroFalseKeepsOne() {
    ScalingSpec min2 =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.MIN_SCALE, "2"), 0, AutoscalerConfig.DEFAULTS);
    assertThat(decide(stats(0, 0, true, 2), min2, st(2, -1), 0).desired()).isEqualTo(2);
    DeciderState longZero = st(1, 0);
    assertThat(
            ScaleDecider.decide(new WindowStats(0, 0, true, 1), min2, false, longZero, 100 * S)
                .desired())
        .isZero();
    ScalingSpec noZero =
        ScalingSpecs.resolve(
            Map.of(), 0, AutoscalerConfigs.fromData(Map.of("enable-scale-to-zero", "false")));
    assertThat(decide(stats(0, 0, true, 1), noZero, longZero, 100 * S).desired()).isEqualTo(1);
  }

  @Test
  void podRetentionLongerThanGraceKeepsTheLastInstanceLonger() {
    ScalingSpec retained =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION, "1m"),
            0,
            AutoscalerConfig.DEFAULTS);
    DeciderState zeroSince100 = st(1, 100 * S);
    assertThat(decide(stats(0, 0, true, 1), retained, zeroSince100, 140 * S).desired())
        .isEqualTo(1);
    assertThat(decide(stats(0, 0, true, 1), retained, zeroSince100, 160 * S).desired()).isZero();
  }

  @Test
  void activationScaleIsTheFloorAboveZero() {
    ScalingSpec three =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.ACTIVATION_SCALE, "3"), 0, AutoscalerConfig.DEFAULTS);
    assertThat(decide(stats(1, 1, true, 3), three, st(3, -1), 0).desired()).isEqualTo(3);
  }

  @Test
  void maxScaleCaps() {
    ScalingSpec max3 =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.MAX_SCALE, "3", AutoscalingAnnotations.TARGET, "10"),
            0,
            AutoscalerConfig.DEFAULTS);
    assertThat(decide(stats(700, 700, true, 1), max3, st(1, -1), 0).desired()).isEqualTo(3);
  }

  @Test
  void panicNeverScalesDownAndLastsAStableWindow() {
    DeciderState calm = st(2, -1);
    // the panic window sees 56 concurrent requests: 8 instances' worth, 4x the 2 ready
    Decision panic = decide(stats(14, 56, true, 2), SPEC, calm, 100 * S);
    assertThat(panic.state().panicking()).isTrue();
    assertThat(panic.desired()).isEqualTo(8);
    // the burst ends, but panic holds the scale for a stable window
    Decision holding = decide(stats(7, 0, true, 4), SPEC, panic.state(), 130 * S);
    assertThat(holding.state().panicking()).isTrue();
    assertThat(holding.desired()).isEqualTo(8);
    Decision over = decide(stats(7, 0, true, 4), SPEC, holding.state(), 161 * S);
    assertThat(over.state().panicking()).isFalse();
    assertThat(over.desired()).isEqualTo(2);
  }

  @Test
  void excessBurstCapacityIsKnatives() {
    Decision d = decide(stats(10, 50, true, 3), SPEC, st(3, -1), 0);
    assertThat(d.excessBurstCapacity()).isEqualTo(Math.floor(3 * 10 - 211 - 50));
  }

  /** The pilot light serves up to 2 concurrent requests alone. */
  static final ScalingSpec SERVES_2 =
      ScalingSpecs.resolve(
          Map.of(
              AutoscalingAnnotations.TARGET,
              "10",
              "pilotlight.dev/reserve-instance",
              "true",
              "pilotlight.dev/reserve-serves-up-to",
              "2"),
          0,
          AutoscalerConfig.DEFAULTS);

  static Stream<Arguments> reserveServesAlone() {
    return Stream.of(
        Arguments.of("a trickle at zero stays at zero", stats(0.3, 1, true, 0), 0, 0),
        Arguments.of("exactly the limit stays at zero", stats(2, 2, true, 0), 0, 0),
        Arguments.of("a panic average above the limit starts one", stats(0.5, 2.5, true, 0), 0, 1),
        Arguments.of("a stable average above the limit starts one", stats(3, 1, true, 0), 0, 1),
        Arguments.of("above zero the usual rules apply", stats(0.3, 1, true, 1), 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reserveServesAlone")
  void reserveServesUpTo(String name, WindowStats stats, int priorDesired, int expected) {
    Decision d = decide(stats, SERVES_2, st(priorDesired, -1), 100 * S);
    assertThat(d.desired()).as(d.reason()).isEqualTo(expected);
  }

  @Test
  void reserveServesUpTo_saysWhyAndLeavesMinScaleAlone() {
    Decision d = decide(stats(1, 1, true, 0), SERVES_2, st(0, -1), 0);
    assertThat(d.reason())
        .isEqualTo("the pilot light serves up to 2 concurrent requests alone (observed 1.0)");
    ScalingSpec min1 =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.MIN_SCALE,
                "1",
                "pilotlight.dev/reserve-instance",
                "true",
                "pilotlight.dev/reserve-serves-up-to",
                "2"),
            0,
            AutoscalerConfig.DEFAULTS);
    assertThat(decide(stats(1, 1, true, 0), min1, st(0, -1), 0).desired()).isEqualTo(1);
  }
}
