package dev.pilotlight.api.traffic;

import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.api.validation.Violation;
import java.util.ArrayList;
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

  /**
   * Not resolvable now (a named revision or configuration is missing); fields as in the traffic
   * block.
   */
  public record Unresolved(List<Violation> reasons) implements Resolution {}

  /**
   * @param traffic the route's (or service's) traffic block, already validated; empty means 100%
   *     latest
   * @param ownConfiguration the configuration {@code latestRevision: true} refers to (the
   *     service's), or null for a bare Route
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
    if (traffic.isEmpty()) {
      traffic = List.of(TrafficTarget.latest(100));
    }
    List<ResolvedTarget> targets = new ArrayList<>();
    List<Violation> reasons = new ArrayList<>();
    for (int i = 0; i < traffic.size(); i++) {
      TrafficTarget t = traffic.get(i);
      String field = "spec.traffic[" + i + "]";
      String url = t.tag() == null ? null : tagUrl.apply(t.tag());
      int percent = (int) t.percentOrZero();
      if (t.revisionName() != null && !t.isLatest()) {
        if (revisionExists.test(t.revisionName())) {
          targets.add(new ResolvedTarget(t.revisionName(), null, false, percent, t.tag(), url));
        } else {
          reasons.add(
              new Violation(
                  field + ".revisionName", "revision \"" + t.revisionName() + "\" does not exist"));
        }
        continue;
      }
      String config = t.configurationName() != null ? t.configurationName() : ownConfiguration;
      if (config == null) {
        reasons.add(new Violation(field, "latestRevision needs a configurationName on a Route"));
        continue;
      }
      Optional<String> latest = latestRevisionOf.apply(config);
      if (latest.isPresent()) {
        targets.add(new ResolvedTarget(latest.get(), config, true, percent, t.tag(), url));
      } else {
        reasons.add(
            new Violation(
                field + (t.configurationName() != null ? ".configurationName" : ".latestRevision"),
                "configuration \"" + config + "\" has no revision yet"));
      }
    }
    return reasons.isEmpty()
        ? new Resolved(List.copyOf(targets))
        : new Unresolved(List.copyOf(reasons));
  }
}
