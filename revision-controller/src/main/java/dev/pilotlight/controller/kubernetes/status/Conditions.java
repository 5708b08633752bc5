package dev.pilotlight.controller.kubernetes.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Knative-style conditions. A reconcile states each condition it owns ({@link Cond}); {@link
 * #merge} turns them into the status list, keeping a condition's {@code lastTransitionTime} while
 * its status stays the same, so an unchanged status compares equal and is not written again.
 */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  public static final String READY = "Ready";

  private Conditions() {}

  /**
   * A condition as a reconcile states it.
   *
   * @param reason CamelCase, null when True
   * @param message for a person: what is wrong and what to do; null when True
   */
  public record Cond(String type, String status, String reason, String message) {
    public static Cond isTrue(String type) {
      return new Cond(type, TRUE, null, null);
    }

    public static Cond isFalse(String type, String reason, String message) {
      return new Cond(type, FALSE, reason, message);
    }

    public static Cond unknown(String type, String reason, String message) {
      return new Cond(type, UNKNOWN, reason, message);
    }

    public boolean isTrue() {
      return TRUE.equals(status);
    }

    public boolean isFalse() {
      return FALSE.equals(status);
    }

    /** This condition's status, reason and message under another type. */
    public Cond as(String otherType) {
      return new Cond(otherType, status, reason, message);
    }
  }

  /**
   * The conditions to write: {@code desired} sorted by type, each with the previous transition time
   * when its status did not change, else {@code now} (whole seconds, as the API stores it).
   */
  public static List<Condition> merge(List<Condition> previous, List<Cond> desired, Instant now) {
    String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<Condition> out = new ArrayList<>();
    for (Cond c : desired) {
      Optional<Condition> before = find(previous, c.type());
      String since =
          before
              .filter(b -> c.status().equals(b.getStatus()) && b.getLastTransitionTime() != null)
              .map(Condition::getLastTransitionTime)
              .orElse(nowText);
      out.add(
          new ConditionBuilder()
              .withType(c.type())
              .withStatus(c.status())
              .withReason(c.reason())
              .withMessage(c.message())
              .withLastTransitionTime(since)
              .build());
    }
    out.sort(Comparator.comparing(Condition::getType));
    return List.copyOf(out);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** The condition as a {@link Cond}; Unknown when absent. */
  public static Cond get(List<Condition> conditions, String type) {
    return find(conditions, type)
        .map(c -> new Cond(type, c.getStatus(), c.getReason(), c.getMessage()))
        .orElse(Cond.unknown(type, null, null));
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /**
   * Knative's happy condition over its dependents: the first False one (its reason and message),
   * else the first Unknown one, else True.
   */
  public static Cond all(String type, List<Cond> dependents) {
    for (Cond c : dependents) {
      if (c.isFalse()) {
        return c.as(type);
      }
    }
    for (Cond c : dependents) {
      if (!c.isTrue()) {
        return c.as(type);
      }
    }
    return Cond.isTrue(type);
  }
}
