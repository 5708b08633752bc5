package dev.pilotlight.controller.kubernetes.status;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import java.util.List;

/**
 * A Route's {@code AllTrafficAssigned} (every traffic entry resolved to an existing revision) and
 * {@code Ready} over it. When an entry cannot resolve, the Route keeps serving its last resolved
 * traffic and says why.
 */
public final class RouteConditions {
  public static final String ALL_TRAFFIC_ASSIGNED = "AllTrafficAssigned";

  private RouteConditions() {}

  public static List<Cond> resolved() {
    return of(Cond.isTrue(ALL_TRAFFIC_ASSIGNED));
  }

  /** Entries name a revision or configuration that does not exist (or has no revision yet). */
  public static List<Cond> unresolved(List<Violation> reasons, boolean servingPrevious) {
    boolean revision = reasons.stream().anyMatch(v -> v.field().endsWith(".revisionName"));
    String message =
        ConfigurationConditions.describe(reasons)
            + (revision
                ? " (expected: the name of an existing revision; list them with kubectl get"
                    + " revisions.serving.pilotlight.dev)"
                : "")
            + (servingPrevious ? "; still serving the previous traffic" : "");
    return of(
        Cond.isFalse(
            ALL_TRAFFIC_ASSIGNED, revision ? "RevisionMissing" : "ConfigurationMissing", message));
  }

  /**
   * Every entry that cannot resolve follows a configuration that exists but has no revision yet (it
   * is being stamped): not a failure, so Unknown, as Knative marks a Route whose configuration is
   * not ready yet ({@code RevisionMissing}).
   */
  public static List<Cond> waiting(List<Violation> reasons, boolean servingPrevious) {
    return of(
        Cond.unknown(
            ALL_TRAFFIC_ASSIGNED,
            "RevisionMissing",
            ConfigurationConditions.describe(reasons)
                + " (waiting for its first revision)"
                + (servingPrevious ? "; still serving the previous traffic" : "")));
  }

  /** The traffic block breaks a rule (percents, tags, targets). */
  public static List<Cond> invalid(List<Violation> violations, boolean servingPrevious) {
    return of(
        Cond.isFalse(
            ALL_TRAFFIC_ASSIGNED,
            "InvalidSpec",
            ConfigurationConditions.describe(violations)
                + (servingPrevious ? "; still serving the previous traffic" : "")));
  }

  private static List<Cond> of(Cond allTrafficAssigned) {
    return List.of(allTrafficAssigned, Conditions.all(READY, List.of(allTrafficAssigned)));
  }
}
