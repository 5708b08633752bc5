package dev.pilotlight.loadtest.scenario;

import java.util.Locale;

/** A preset experiment around the load. All but {@link #NONE} need a replica observer. */
public enum Scenario {
  /** Just the load; replicas are observed when an observer is given. */
  NONE,
  /**
   * Wait until nothing runs, send the load (a burst by default): time to first byte, time until the
   * scale the burst asked for is ready.
   */
  SCALE_FROM_ZERO,
  /** Load in phases: per rising phase, time until its scale is ready and latency during it. */
  STEP,
  /** Load, then idle: time from the last response to zero standard instances. */
  SCALE_TO_ZERO,
  /**
   * The first request after idle to a service with the pilot light against one without, in the same
   * run (see {@link PilotLightRun}).
   */
  PILOT_LIGHT;

  /** The command-line name, e.g. {@code scale-from-zero}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Scenario parse(String text) {
    for (Scenario s : values()) {
      if (s.cliName().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "--scenario: \""
            + text
            + "\" (expected: scale-from-zero, step, scale-to-zero or pilot-light)");
  }
}
