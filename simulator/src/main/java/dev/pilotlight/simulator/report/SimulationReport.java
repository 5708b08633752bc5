package dev.pilotlight.simulator.report;

import dev.pilotlight.simulator.engine.PolicyResult;
import dev.pilotlight.simulator.engine.SimConfig;
import java.util.List;

/**
 * Everything a report shows.
 *
 * @param source what was replayed
 * @param functions functions in the trace
 * @param windowNanos the replayed window
 */
public record SimulationReport(
    String source, int functions, long windowNanos, SimConfig config, List<PolicyResult> results) {
  public SimulationReport {
    results = List.copyOf(results);
  }
}
