package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's pkg/reconciler/autoscaling/resources/target_test.go (TestResolveMetricTarget), ported
 * onto {@link ScalingSpecs#resolve} and {@link DeciderSpec#of}: the per-instance target and total.
 * Knative's test config has a concurrency target fraction of 1.0.
 */
class KnativeTargetTest {
  static final String TU = AutoscalingAnnotations.TARGET_UTILIZATION;
  static final String T = AutoscalingAnnotations.TARGET;
  static final String M = AutoscalingAnnotations.METRIC;

  static Arguments c(
      String name,
      int cc,
      String[] ann,
      String fraction,
      String ccDefault,
      double target,
      double total) {
    return Arguments.of(name, cc, ann, fraction, ccDefault, target, total);
  }

  static String[] a(String... kv) {
    return kv;
  }

  static Stream<Arguments> TestResolveMetricTarget() {
    return Stream.of(
        c("defaults", 0, a(), null, null, 100, 100),
        c("default CC + 80% TU", 0, a(), "0.8", null, 80, 100),
        c("non-default CC and TU", 0, a(), "0.3", "2", 0.6, 2),
        c(
            "with container concurrency 12 and TU=80%, but TU annotation 75%",
            12, a(TU, "75"), "0.8", null, 9, 12),
        c("with container concurrency 10 and TU=80%", 10, a(), "0.8", null, 8, 10),
        c("with container concurrency 1 and TU=80%", 1, a(), "0.8", null, 0.8, 1),
        c("with container concurrency 1", 1, a(), null, null, 1, 1),
        c(
            "with container concurrency 10 and TU=80% (Knative lists it twice)",
            10, a(), "0.8", null, 8, 10),
        c("with container concurrency 10", 10, a(), null, null, 10, 10),
        c("with target annotation 1", 0, a(T, "1"), null, null, 1, 1),
        c("with target annotation 1 and TU=0.1%", 0, a(T, "1"), "0.001", null, 0.01, 1),
        c("with target annotation 1 and TU=75%", 0, a(T, "1"), "0.75", null, 0.75, 1),
        c("with target annotation 10 and TU=75%", 0, a(T, "10"), "0.75", null, 7.5, 10),
        c(
            "with container concurrency greater than target annotation (ok)",
            10,
            a(T, "1"),
            null,
            null,
            1,
            1),
        c("with target annotation greater than default (ok)", 0, a(T, "500"), null, null, 500, 500),
        c(
            "with target annotation greater than container concurrency (ignore annotation for safety)",
            1,
            a(T, "10"),
            null,
            null,
            1,
            1),
        c("RPS: defaults", 1, a(M, "rps"), null, null, 140, 200),
        c("RPS: with target annotation 1", 0, a(M, "rps", T, "1"), null, null, 0.7, 1),
        c("RPS: with TU annotation 75%", 0, a(M, "rps", TU, "75"), null, null, 150, 200),
        c(
            "RPS: with target annotation greater than default",
            0,
            a(M, "rps", T, "300"),
            null,
            null,
            210,
            300));
  }

  @ParameterizedTest(name = "TestResolveMetricTarget {0}")
  @MethodSource
  void TestResolveMetricTarget(
      String name,
      int cc,
      String[] ann,
      String fraction,
      String ccDefault,
      double target,
      double total) {
    Map<String, String> data = new HashMap<>();
    data.put("container-concurrency-target-percentage", fraction == null ? "1.0" : fraction);
    if (ccDefault != null) {
      data.put("container-concurrency-target-default", ccDefault);
    }
    Map<String, String> annotations = new HashMap<>();
    for (int i = 0; i < ann.length; i += 2) {
      annotations.put(ann[i], ann[i + 1]);
    }
    DeciderSpec d =
        DeciderSpec.of(
            ScalingSpecs.resolve(annotations, cc, AutoscalerConfigs.fromData(data)), true);
    assertThat(d.targetValue()).as("target").isEqualTo(target);
    assertThat(d.totalValue()).as("total").isEqualTo(total);
  }
}
