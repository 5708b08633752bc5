package dev.pilotlight.controller.kubernetes.gc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which of a configuration's revisions to delete, as a pure function of the revisions, the config
 * and now (Knative's collector).
 *
 * <p>Active revisions are never collected: routed ones, the latest created and latest ready, and
 * those annotated {@code serving.knative.dev/no-gc: "true"}. Of the others, the {@code
 * minNonActiveRevisions} most recently active are kept; older ones are deleted once stale (created
 * longer ago than {@code retainSinceCreateTime} and last routed longer ago than {@code
 * retainSinceLastActiveTime}); beyond {@code maxNonActiveRevisions} the oldest are deleted whatever
 * their age. When something will become stale later, {@link Plan#recheckAt} says when.
 */
public final class RevisionGc {
  /** Knative's opt-out annotation. */
  public static final String NO_GC_ANNOTATION = "serving.knative.dev/no-gc";

  private RevisionGc() {}

  /**
   * One revision as the collector sees it.
   *
   * @param lastActive when it was last routed (or stopped being routed); its creation when never
   * @param active routed now, or latest created/ready, or opted out: never collected
   */
  public record Candidate(String name, Instant created, Instant lastActive, boolean active) {}

  /**
   * @param delete names to delete, oldest activity first
   * @param recheckAt when a kept revision becomes stale and could be collected, if ever
   */
  public record Plan(List<String> delete, Optional<Instant> recheckAt) {
    public static final Plan NOTHING = new Plan(List.of(), Optional.empty());
  }

  public static Plan plan(List<Candidate> revisions, GcConfig config, Instant now) {
    boolean timeDisabled =
        config.retainSinceCreateTime() == null && config.retainSinceLastActiveTime() == null;
    if (timeDisabled && config.maxNonActiveRevisions() == GcConfig.DISABLED) {
      return Plan.NOTHING;
    }
    List<Candidate> inactive = new ArrayList<>();
    for (Candidate c : revisions) {
      if (!c.active()) {
        inactive.add(c);
      }
    }
    // oldest activity first (ties: oldest creation, then name, for a stable order)
    inactive.sort(
        Comparator.comparing(Candidate::lastActive)
            .thenComparing(Candidate::created)
            .thenComparing(Candidate::name));
    int deletable = inactive.size() - config.minNonActiveRevisions();
    if (deletable <= 0) {
      return Plan.NOTHING;
    }
    List<String> delete = new ArrayList<>();
    Set<String> deleted = new HashSet<>();
    Instant recheck = null;
    for (Candidate c : inactive) {
      if (delete.size() == deletable) {
        break;
      }
      Optional<Instant> staleAt = staleAt(c, config);
      if (staleAt.isEmpty()) {
        continue;
      }
      if (!staleAt.get().isAfter(now)) {
        delete.add(c.name());
        deleted.add(c.name());
      } else if (recheck == null || staleAt.get().isBefore(recheck)) {
        recheck = staleAt.get();
      }
    }
    int max = config.maxNonActiveRevisions();
    if (max != GcConfig.DISABLED) {
      int kept = inactive.size() - delete.size();
      for (Candidate c : inactive) {
        if (kept <= max) {
          break;
        }
        if (deleted.add(c.name())) {
          delete.add(c.name());
          kept--;
        }
      }
    }
    if (inactive.size() - delete.size() <= config.minNonActiveRevisions()) {
      recheck = null;
    }
    return new Plan(List.copyOf(delete), Optional.ofNullable(recheck));
  }

  /** When {@code c} becomes stale; empty when time never makes it stale (both checks disabled). */
  static Optional<Instant> staleAt(Candidate c, GcConfig config) {
    Duration create = config.retainSinceCreateTime();
    Duration active = config.retainSinceLastActiveTime();
    if (create == null && active == null) {
      return Optional.empty();
    }
    Instant at = Instant.MIN;
    if (create != null) {
      at = max(at, c.created().plus(create));
    }
    if (active != null) {
      at = max(at, c.lastActive().plus(active));
    }
    return Optional.of(at);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
