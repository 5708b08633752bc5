package dev.pilotlight.simulator.report;

import dev.pilotlight.simulator.engine.PolicyResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The Pareto frontier of cold-start ratio against cost: the policies no other beats on both. */
public final class Frontier {
  private Frontier() {}

  /** Whether {@code a} is at least as good as {@code b} on both and better on one. */
  public static boolean dominates(PolicyResult a, PolicyResult b) {
    boolean noWorse = a.costGbS() <= b.costGbS() && a.coldStartRatio() <= b.coldStartRatio();
    boolean better = a.costGbS() < b.costGbS() || a.coldStartRatio() < b.coldStartRatio();
    return noWorse && better;
  }

  /** The non-dominated policies, cheapest first. */
  public static List<PolicyResult> of(List<PolicyResult> results) {
    List<PolicyResult> out = new ArrayList<>();
    for (PolicyResult r : results) {
      boolean dominated = false;
      for (PolicyResult o : results) {
        if (o != r && dominates(o, r)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        out.add(r);
      }
    }
    out.sort(
        Comparator.comparingDouble(PolicyResult::costGbS)
            .thenComparingDouble(PolicyResult::coldStartRatio));
    return out;
  }

  /** The policies that dominate {@code r}, in the order given. */
  public static List<String> beatenBy(PolicyResult r, List<PolicyResult> results) {
    List<String> out = new ArrayList<>();
    for (PolicyResult o : results) {
      if (o != r && dominates(o, r)) {
        out.add(o.policy().name());
      }
    }
    return out;
  }
}
