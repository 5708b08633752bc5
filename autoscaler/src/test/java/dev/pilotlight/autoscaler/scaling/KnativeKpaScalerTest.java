package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's pkg/reconciler/autoscaling/kpa/scaler_test.go (TestScaler), ported onto {@link
 * ScaleDecider#settle} and {@link InitialScaleHold}: each case keeps Knative's label and inputs
 * (kpa_test.go's grace period 60 s, stable window 5 m, PA window 45 s). Knative's PA states map to
 * the decider state: "active since t" is {@code activeSinceNanos = t}; "inactive since t" is {@code
 * zeroSinceNanos = t}; "activating" is an {@link InitialScaleHold} not yet reached. The expected
 * value is the scale the revision ends up asking for: Knative's wantReplicas when it scales,
 * otherwise the start replicas (a desire of 0 not applied yet keeps the last instance); -1 is "no
 * decision". Not ported: the SKS proxy-mode and activator-probe cases (no SKS or probe here: the
 * grace period counts from the decision to go to zero); the activation-timeout cases are in {@code
 * loop.KnativeActivationTimeoutTest}.
 */
class KnativeKpaScalerTest {
  static final long S = 1_000_000_000L;
  static final long NOW = 1_765_000_000L * S;
  static final long GRACE = 60 * S;
  static final long STABLE = 300 * S;
  static final long PA_STABLE = 45 * S;

  enum Mark {
    NONE,
    ACTIVE,
    INACTIVE,
    ACTIVATING
  }

  static Arguments c(
      String label,
      int start,
      int scaleTo,
      int min,
      int max,
      Mark mark,
      long ago,
      Map<String, String> annotations,
      String retentionConfig,
      boolean reachable,
      int want) {
    return Arguments.of(
        label, start, scaleTo, min, max, mark, ago, annotations, retentionConfig, reachable, want);
  }

  static Map<String, String> ann(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static final String RET = AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION;
  static final String WIN = AutoscalingAnnotations.WINDOW;
  static final String INIT = AutoscalingAnnotations.INITIAL_SCALE;

  static Stream<Arguments> TestScaler() {
    return Stream.of(
        c(
            "waits to scale to zero (just before idle period)",
            1,
            0,
            0,
            0,
            Mark.ACTIVE,
            STABLE - S,
            ann(),
            null,
            true,
            1),
        c(
            "waits to scale to zero (just before idle period), custom PA window",
            1,
            0,
            0,
            0,
            Mark.ACTIVE,
            PA_STABLE - S,
            ann(WIN, "45s"),
            null,
            true,
            1),
        c(
            "custom PA window, check for standard window, no probe",
            1,
            0,
            0,
            0,
            Mark.ACTIVE,
            STABLE,
            ann(WIN, "45s"),
            null,
            true,
            1),
        c(
            "scale to 1 waiting for idle expires",
            10,
            0,
            0,
            0,
            Mark.ACTIVE,
            STABLE - S,
            ann(),
            null,
            true,
            1),
        c(
            "waits to scale to zero after idle period",
            1,
            0,
            0,
            0,
            Mark.ACTIVE,
            STABLE,
            ann(),
            null,
            true,
            1),
        c(
            "waits to scale to zero after idle period (custom PA window)",
            1,
            0,
            0,
            0,
            Mark.ACTIVE,
            PA_STABLE,
            ann(WIN, "45s"),
            null,
            true,
            1),
        c(
            "can scale to zero after grace period, but 0 PA retention",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(RET, "0"),
            "120s",
            true,
            0),
        c(
            "can't scale to zero after grace period, but before last pod retention",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            "120s",
            true,
            1),
        c(
            "can't scale to zero after grace period, but before last pod retention, pa defined",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(RET, "2m0s"),
            "0s",
            true,
            1),
        c(
            "scale to zero after grace period, and after last pod retention",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            "60s",
            true,
            0),
        c(
            "scale to zero after grace period",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            null,
            true,
            0),
        c(
            "waits to scale to zero (just before grace period)",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE - S,
            ann(),
            null,
            true,
            1),
        c(
            "scale to zero with TBC=-1",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(AutoscalingAnnotations.TARGET_BURST_CAPACITY, "-1"),
            null,
            true,
            0),
        c(
            "scale down to minScale before grace period",
            10,
            0,
            2,
            0,
            Mark.INACTIVE,
            GRACE - S,
            ann(),
            null,
            true,
            2),
        c(
            "scale down to minScale after grace period",
            10,
            0,
            2,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            null,
            true,
            2),
        c(
            "scale to zero ignore last pod retention if  revision is unreachable",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            "600s",
            false,
            0),
        c(
            "can't scale to zero if revision is unreachable, but before deadline",
            1,
            0,
            0,
            0,
            Mark.INACTIVE,
            GRACE - S,
            ann(),
            "600s",
            false,
            1),
        c(
            "ignore minScale if unreachable",
            10,
            0,
            2,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            null,
            false,
            0),
        c(
            "observe minScale if reachability unknown",
            10,
            0,
            2,
            0,
            Mark.INACTIVE,
            GRACE,
            ann(),
            null,
            true,
            2),
        c("scales up", 1, 10, 0, 0, Mark.NONE, 0, ann(), null, true, 10),
        c("scales up to maxScale", 1, 10, 0, 8, Mark.NONE, 0, ann(), null, true, 8),
        c(
            "scale up inactive revision",
            1,
            10,
            0,
            0,
            Mark.INACTIVE,
            GRACE / 2,
            ann(),
            null,
            true,
            10),
        c(
            "does not scale up from zero with no metrics",
            0,
            -1,
            0,
            0,
            Mark.INACTIVE,
            0,
            ann(),
            null,
            true,
            -1),
        c("scales up from zero to desired one", 0, 1, 0, 0, Mark.NONE, 0, ann(), null, true, 1),
        c(
            "scales up from zero to desired high scale",
            0,
            10,
            0,
            0,
            Mark.NONE,
            0,
            ann(),
            null,
            true,
            10),
        c("negative scale does not scale", 12, -1, 0, 0, Mark.ACTIVE, 0, ann(), null, true, -1),
        c(
            "initial scale attained, but now time to scale down",
            2,
            0,
            0,
            0,
            Mark.ACTIVE,
            120 * S,
            ann(INIT, "2"),
            null,
            true,
            1),
        c(
            "haven't scaled to initial scale, override desired scale with initial scale",
            0,
            1,
            0,
            0,
            Mark.ACTIVATING,
            0,
            ann(INIT, "2"),
            null,
            true,
            2),
        c(
            "initial scale reached for the first time",
            5,
            1,
            0,
            0,
            Mark.ACTIVATING,
            0,
            ann(INIT, "5"),
            null,
            true,
            5),
        c(
            "reaching initial scale zero",
            0,
            0,
            0,
            0,
            Mark.INACTIVE,
            0,
            ann(INIT, "0"),
            null,
            true,
            0),
        c(
            "unreachable revision with initialScale > 1 can scale to 0",
            2,
            0,
            0,
            0,
            Mark.ACTIVE,
            120 * S,
            ann(INIT, "2"),
            null,
            false,
            1));
  }

  @ParameterizedTest(name = "TestScaler {0}")
  @MethodSource
  void TestScaler(
      String label,
      int start,
      int scaleTo,
      int min,
      int max,
      Mark mark,
      long ago,
      Map<String, String> annotations,
      String retentionConfig,
      boolean reachable,
      int want) {
    Map<String, String> data = new HashMap<>();
    data.put("stable-window", "5m");
    data.put("scale-to-zero-grace-period", "60s");
    data.put("allow-zero-initial-scale", "true");
    if (retentionConfig != null) {
      data.put("scale-to-zero-pod-retention-period", retentionConfig);
    }
    Map<String, String> a = new HashMap<>(annotations);
    if (min > 0) {
      a.put(AutoscalingAnnotations.MIN_SCALE, Integer.toString(min));
    }
    if (max > 0) {
      a.put(AutoscalingAnnotations.MAX_SCALE, Integer.toString(max));
    }
    ScalingSpec spec = ScalingSpecs.resolve(a, 0, AutoscalerConfigs.fromData(data));
    DeciderState prior =
        switch (mark) {
          case ACTIVE -> new DeciderState(start, -1, 0, -1, NOW - ago);
          case INACTIVE -> new DeciderState(start, -1, 0, NOW - ago, DeciderState.LONG_AGO);
          case ACTIVATING -> new DeciderState(start, -1, 0, -1, -1);
          case NONE -> new DeciderState(start, -1, 0, -1, DeciderState.LONG_AGO);
        };
    if (scaleTo < 0) {
      Decision none =
          ScaleDecider.decide(new WindowStats(0, 0, false, start), spec, reachable, prior, NOW);
      assertThat(none).as("no metrics: no decision").isNull();
      assertThat(want).isEqualTo(-1);
      return;
    }
    int got = ScaleDecider.settle(spec, reachable, scaleTo, start, prior, NOW).desired();
    if (mark == Mark.ACTIVATING && reachable) {
      InitialScaleHold hold =
          new InitialScaleHold(spec.initialScale(), 0, NOW - ago, spec.progressDeadline());
      got = hold.apply(NOW, got, start);
    }
    assertThat(got).isEqualTo(want);
  }

  static Stream<Arguments> TestDisableScaleToZero() {
    return Stream.of(
        Arguments.of("EnableScaleToZero == false and minScale == 0", 10, 0, 0, 1),
        Arguments.of("EnableScaleToZero == false and minScale == 2", 10, 0, 2, 2),
        Arguments.of(
            "EnableScaleToZero == false and desire pod is -1(initial value)", 10, -1, 0, -1));
  }

  @ParameterizedTest(name = "TestDisableScaleToZero {0}")
  @MethodSource
  void TestDisableScaleToZero(String label, int start, int scaleTo, int min, int want) {
    Map<String, String> a = new HashMap<>();
    if (min > 0) {
      a.put(AutoscalingAnnotations.MIN_SCALE, Integer.toString(min));
    }
    ScalingSpec spec =
        ScalingSpecs.resolve(
            a, 0, AutoscalerConfigs.fromData(Map.of("enable-scale-to-zero", "false")));
    DeciderState prior = new DeciderState(start, -1, 0, -1, DeciderState.LONG_AGO);
    if (scaleTo < 0) {
      assertThat(ScaleDecider.decide(new WindowStats(0, 0, false, start), spec, true, prior, NOW))
          .isNull();
      return;
    }
    assertThat(ScaleDecider.settle(spec, true, scaleTo, start, prior, NOW).desired())
        .isEqualTo(want);
  }
}
