package dev.pilotlight.api.autoscaling;

import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.util.List;
import java.util.Map;

/** Builds a revision's {@link ScalingSpec} from global defaults and its {@code autoscaling.knative.dev/*} annotations. */
public final class ScalingSpecs {
  private ScalingSpecs() {}

  /**
   * Violations of the annotations, with field paths relative to the annotations map, e.g.
   * {@code autoscaling.knative.dev/min-scale: "-1" (expected: integer >= 0)}.
   */
  public static List<Violation> validate(Map<String, String> annotations, AutoscalerConfig config) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The spec; throws {@link ValidationException} when {@link #validate} is not empty. */
  public static ScalingSpec resolve(Map<String, String> annotations, int containerConcurrency, AutoscalerConfig config) {
    throw new UnsupportedOperationException("TODO");
  }
}
