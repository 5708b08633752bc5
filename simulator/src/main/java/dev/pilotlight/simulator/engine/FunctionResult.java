package dev.pilotlight.simulator.engine;

/**
 * One function under one policy.
 *
 * @param coldStarts requests that waited for an instance to start
 * @param standardGbS standard instances' memory × time running (starting included), GB-seconds
 * @param reserveGbS the reserve's, at its own size
 */
public record FunctionResult(
    String name,
    String id,
    String trigger,
    double memoryMb,
    long invocations,
    long coldStarts,
    double standardGbS,
    double reserveGbS) {
  public double costGbS() {
    return standardGbS + reserveGbS;
  }
}
