package dev.pilotlight.controller.kubernetes.status;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import java.util.List;
import java.util.stream.Collectors;

/** A Configuration's {@code Ready}: whether its latest created revision is ready. */
public final class ConfigurationConditions {
  private ConfigurationConditions() {}

  /**
   * @param latestCreated the newest revision's name, null when none exists yet
   * @param latestReady that revision's Ready condition
   */
  public static Cond ready(String latestCreated, Cond latestReady) {
    if (latestCreated == null) {
      return Cond.unknown(READY, "RevisionMissing", "no revision has been stamped yet");
    }
    if (latestReady.isTrue()) {
      return Cond.isTrue(READY);
    }
    if (latestReady.isFalse()) {
      return Cond.isFalse(
          READY,
          "RevisionFailed",
          "Revision \"" + latestCreated + "\" failed with message: " + latestReady.message());
    }
    return Cond.unknown(
        READY,
        "RevisionNotReady",
        "Revision \""
            + latestCreated
            + "\" is not ready yet"
            + (latestReady.message() == null ? "" : ": " + latestReady.message()));
  }

  /** The template breaks a rule: nothing is stamped until it is fixed. */
  public static Cond invalid(List<Violation> violations) {
    return Cond.isFalse(READY, "InvalidSpec", describe(violations));
  }

  /** The template names a revision that exists with another template. */
  public static Cond conflict(String message) {
    return Cond.isFalse(READY, "RevisionNameTaken", message);
  }

  /** Violations for a message: {@code field: message; field: message}. */
  public static String describe(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }
}
