package dev.pilotlight.controller.kubernetes.status;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import java.util.List;

/**
 * A Service's {@code ConfigurationsReady} and {@code RoutesReady} (its children's Ready, once they
 * have seen the Service's latest spec) and {@code Ready} over both.
 */
public final class ServiceConditions {
  public static final String CONFIGURATIONS_READY = "ConfigurationsReady";
  public static final String ROUTES_READY = "RoutesReady";

  private ServiceConditions() {}

  /**
   * @param configuration the Configuration's Ready, or a reason it cannot be trusted yet
   * @param route the Route's Ready, likewise
   */
  public static List<Cond> of(Cond configuration, Cond route) {
    Cond c = configuration.as(CONFIGURATIONS_READY);
    Cond r = route.as(ROUTES_READY);
    return List.of(c, r, Conditions.all(READY, List.of(c, r)));
  }

  /** A child that has not yet caught up with the Service's latest spec. */
  public static Cond outOfDate(String kind, String name) {
    return Cond.unknown(
        null, "OutOfDate", kind + " \"" + name + "\" has not yet reconciled the latest spec");
  }

  /** The Service breaks a rule: its children keep serving the last good spec. */
  public static List<Cond> invalid(List<Violation> violations, Cond configuration, Cond route) {
    Cond ready =
        Cond.isFalse(
            READY,
            "InvalidSpec",
            ConfigurationConditions.describe(violations)
                + "; the last valid spec keeps serving until this is fixed");
    return List.of(configuration.as(CONFIGURATIONS_READY), route.as(ROUTES_READY), ready);
  }
}
