package dev.pilotlight.autoscaler.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.validation.ValidationException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodAutoscalerTargetsTest {

  static PodAutoscalerResource pa(
      Map<String, String> annotations, String reachability, Long cc, Integer actual) {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.getMetadata().setName("hello-00001");
    pa.getMetadata().setNamespace("demo");
    pa.getMetadata().setAnnotations(annotations);
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", "hello-00001-deployment"),
            reachability,
            "http1",
            cc));
    if (actual != null) {
      pa.setStatus(new PodAutoscalerResource.Status(null, null, null, actual));
    }
    return pa;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("reachable", pa(Map.of(), "Reachable", 0L, 3), true, 3, 100.0),
        Arguments.of(
            "unknown reachability counts as routed",
            pa(Map.of(), null, null, null),
            true,
            0,
            100.0),
        Arguments.of("unreachable", pa(Map.of(), "Unreachable", 0L, 1), false, 1, 100.0),
        Arguments.of(
            "target annotation",
            pa(Map.of("autoscaling.knative.dev/target", "7"), "Reachable", 0L, 0),
            true,
            0,
            7.0),
        Arguments.of(
            "containerConcurrency caps the target",
            pa(Map.of(), "Reachable", 4L, 0),
            true,
            0,
            4.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void target(String name, PodAutoscalerResource pa, boolean routed, int ready, double target) {
    ScalingTarget t = PodAutoscalerTargets.target(pa, AutoscalerConfig.DEFAULTS);
    assertThat(t.revision().toString()).isEqualTo("demo/hello-00001");
    assertThat(t.routed()).isEqualTo(routed);
    assertThat(t.readyInstances()).isEqualTo(ready);
    assertThat(t.spec().target()).isEqualTo(target);
  }

  @Test
  void invalidAnnotationsAreRefusedWithTheField() {
    assertThatThrownBy(
            () ->
                PodAutoscalerTargets.target(
                    pa(Map.of("autoscaling.knative.dev/min-scale", "-1"), "Reachable", 0L, 0),
                    AutoscalerConfig.DEFAULTS))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("autoscaling.knative.dev/min-scale");
  }
}
