package dev.pilotlight.api.validation;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.model.Resource;
import java.util.List;

/**
 * Knative's validation rules for user-declared resources, as a pure function. {@code localMode} adds
 * the rules of the local process runtime (a container must have a command).
 */
public final class Validator {
  private final AutoscalerConfig autoscalerConfig;
  private final boolean localMode;

  public Validator(AutoscalerConfig autoscalerConfig, boolean localMode) {
    this.autoscalerConfig = autoscalerConfig;
    this.localMode = localMode;
  }

  /** Every violation of {@code resource}, empty when valid. Field paths are relative to the resource root. */
  public List<Violation> validate(Resource resource) {
    throw new UnsupportedOperationException("TODO");
  }
}
