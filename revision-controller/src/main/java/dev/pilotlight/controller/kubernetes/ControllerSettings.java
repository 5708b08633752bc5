package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import java.time.Duration;

/**
 * The Kubernetes controller's settings.
 *
 * @param domain the domain of route hosts: {@code <route>.<namespace>.<domain>}
 * @param autoscalerConfig the global autoscaling defaults annotations are validated against
 * @param gc revision garbage collection
 * @param workersPerKind reconcile threads per kind (a key is never reconciled twice at once)
 * @param resync how often the informers hand every object to the handlers again
 * @param backoff retry delays of failed reconciles
 * @param features Knative's config-features: which pod spec fields a template may carry
 * @param servingDefaults Knative's config-defaults: timeouts, concurrency, default resources
 * @param validation what the templates are validated for: {@link Validator.Mode#KUBERNETES} on a
 *     cluster, {@link Validator.Mode#LOCAL} where the local node agent runs the instances (it
 *     refuses what processes or local containers cannot honour, and lets a process template go
 *     without an image)
 */
public record ControllerSettings(
    String domain,
    AutoscalerConfig autoscalerConfig,
    GcConfig gc,
    int workersPerKind,
    Duration resync,
    Backoff backoff,
    Features features,
    ServingDefaults servingDefaults,
    Validator.Mode validation) {

  /** 50 ms doubling up to 5 minutes: a conflict with a stale cache retries at once. */
  public static final Backoff RECONCILE_BACKOFF =
      new Backoff(Duration.ofMillis(50), Duration.ofMinutes(5));

  public ControllerSettings {
    java.util.Objects.requireNonNull(validation, "validation");
    if (workersPerKind < 1) {
      throw new IllegalArgumentException("workersPerKind: " + workersPerKind + " (expected: >= 1)");
    }
  }

  /** Knative's defaults: GC per {@link GcConfig#DEFAULTS}, 2 workers per kind, resync 10 min. */
  public static ControllerSettings defaults(String domain) {
    return new ControllerSettings(
        domain,
        AutoscalerConfig.DEFAULTS,
        GcConfig.DEFAULTS,
        2,
        Duration.ofMinutes(10),
        RECONCILE_BACKOFF,
        Features.DEFAULTS,
        ServingDefaults.DEFAULTS,
        Validator.Mode.KUBERNETES);
  }

  public ControllerSettings withGc(GcConfig gc) {
    return new ControllerSettings(
        domain,
        autoscalerConfig,
        gc,
        workersPerKind,
        resync,
        backoff,
        features,
        servingDefaults,
        validation);
  }

  public ControllerSettings withAutoscalerConfig(AutoscalerConfig config) {
    return new ControllerSettings(
        domain, config, gc, workersPerKind, resync, backoff, features, servingDefaults, validation);
  }

  /** These settings validating templates for {@code mode}. */
  public ControllerSettings withValidation(Validator.Mode mode) {
    return new ControllerSettings(
        domain,
        autoscalerConfig,
        gc,
        workersPerKind,
        resync,
        backoff,
        features,
        servingDefaults,
        mode);
  }

  /** These settings with the cluster's config-features and config-defaults. */
  public ControllerSettings withServing(Features features, ServingDefaults defaults) {
    return new ControllerSettings(
        domain,
        autoscalerConfig,
        gc,
        workersPerKind,
        resync,
        backoff,
        features,
        defaults,
        validation);
  }
}
