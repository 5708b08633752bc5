package dev.pilotlight.simulator.engine;

import dev.pilotlight.simulator.policy.Policy;
import java.util.List;

/**
 * One policy's replay.
 *
 * @param waitP50Ms median added wait over all requests (0 for a request that found an instance)
 * @param waitP99Ms 99th percentile of the same
 * @param coldWaitP50Ms median wait of the requests that waited
 * @param coldWaitP99Ms 99th percentile of the same
 * @param decisions scale decisions the autoscaler published
 */
public record PolicyResult(
    Policy policy,
    long invocations,
    long coldStarts,
    double waitP50Ms,
    double waitP99Ms,
    double coldWaitP50Ms,
    double coldWaitP99Ms,
    double standardGbS,
    double reserveGbS,
    long decisions,
    List<FunctionResult> functions) {
  public PolicyResult {
    functions = List.copyOf(functions);
  }

  public double coldStartRatio() {
    return invocations == 0 ? 0 : (double) coldStarts / invocations;
  }

  public double costGbS() {
    return standardGbS + reserveGbS;
  }
}
