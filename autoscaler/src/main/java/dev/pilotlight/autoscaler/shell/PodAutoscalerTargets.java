package dev.pilotlight.autoscaler.shell;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.validation.ValidationException;
import java.util.Map;

/**
 * A PodAutoscaler as the autoscaler's {@link ScalingTarget}, as a pure function: the spec from its
 * annotations (Knative's {@code autoscaling.knative.dev/*}) over the global defaults, routed unless
 * its reachability is {@code Unreachable}, ready instances from {@code status.actualScale}.
 */
public final class PodAutoscalerTargets {
  private PodAutoscalerTargets() {}

  public static RevisionKey key(PodAutoscalerResource pa) {
    return new RevisionKey(pa.getMetadata().getNamespace(), pa.getMetadata().getName());
  }

  /** Throws {@link ValidationException} when an annotation breaks a rule. */
  public static ScalingTarget target(PodAutoscalerResource pa, AutoscalerConfig config) {
    Map<String, String> annotations = pa.getMetadata().getAnnotations();
    PodAutoscalerResource.Spec spec = pa.getSpec();
    int concurrency =
        spec == null || spec.containerConcurrency() == null
            ? 0
            : spec.containerConcurrency().intValue();
    ScalingSpec scaling =
        ScalingSpecs.resolve(annotations == null ? Map.of() : annotations, concurrency, config);
    boolean routed = spec == null || !PodAutoscalerResource.UNREACHABLE.equals(spec.reachability());
    PodAutoscalerResource.Status status = pa.getStatus();
    int ready =
        status == null || status.actualScale() == null ? 0 : Math.max(0, status.actualScale());
    return new ScalingTarget(key(pa), scaling, routed, ready);
  }
}
