package dev.pilotlight.api.config;

import java.util.Objects;

/**
 * Knative's two ConfigMaps of what a revision template may say and what it gets when it says
 * nothing, as in force together.
 *
 * @param features config-features
 * @param defaults config-defaults
 */
public record ServingConfig(Features features, ServingDefaults defaults) {
  public static final ServingConfig DEFAULTS =
      new ServingConfig(Features.DEFAULTS, ServingDefaults.DEFAULTS);

  public ServingConfig {
    Objects.requireNonNull(features);
    Objects.requireNonNull(defaults);
  }
}
