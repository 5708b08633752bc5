package dev.pilotlight.api.traffic;

import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.api.validation.Violation;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** Resolves a traffic block against what exists, as a pure function. */
public final class TrafficResolver {
  private TrafficResolver() {}

  /** The outcome: resolved targets, or the reasons the block cannot be resolved yet. */
  public sealed interface Resolution permits Resolved, Unresolved {}

  /** Every entry resolved; entries with 0% are kept (their tags still route). */
  public record Resolved(List<ResolvedTarget> targets) implements Resolution {}

  /** Not resolvable now (a named revision or configuration is missing); fields as in the traffic block. */
  public record Unresolved(List<Violation> reasons) implements Resolution {}

  /**
   * @param traffic the route's (or service's) traffic block, already validated; empty means 100% latest
   * @param ownConfiguration the configuration {@code latestRevision: true} refers to (the service's), or
   *     null for a bare Route
   * @param latestRevisionOf the revision a configuration's latest traffic goes to (its latest ready
   *     revision, else its latest created), empty when the configuration is unknown or has none
   * @param revisionExists whether a revision of that name exists in the route's namespace
   * @param tagUrl builds a tag's URL from the tag
   */
  public static Resolution resolve(
      List<TrafficTarget> traffic,
      String ownConfiguration,
      Function<String, Optional<String>> latestRevisionOf,
      Predicate<String> revisionExists,
      Function<String, String> tagUrl) {
    throw new UnsupportedOperationException("TODO");
  }
}
