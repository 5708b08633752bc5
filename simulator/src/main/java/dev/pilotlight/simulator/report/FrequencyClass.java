package dev.pilotlight.simulator.report;

import java.util.List;

/** Functions grouped by how often they are invoked over the trace's window. */
public enum FrequencyClass {
  RARE("< 1/h", 0, 1),
  HOURLY("1/h to 1/10min", 1, 6),
  FREQUENT("1/10min to 1/min", 6, 60),
  BUSY(">= 1/min", 60, Double.POSITIVE_INFINITY);

  private final String label;
  private final double fromPerHour;
  private final double toPerHour;

  FrequencyClass(String label, double fromPerHour, double toPerHour) {
    this.label = label;
    this.fromPerHour = fromPerHour;
    this.toPerHour = toPerHour;
  }

  public String label() {
    return label;
  }

  public static final List<FrequencyClass> ALL = List.of(values());

  /** The class of a function invoked {@code invocations} times in {@code windowNanos}. */
  public static FrequencyClass of(long invocations, long windowNanos) {
    double perHour = invocations / (windowNanos / 3.6e12);
    for (FrequencyClass c : values()) {
      if (perHour >= c.fromPerHour && perHour < c.toPerHour) {
        return c;
      }
    }
    return BUSY;
  }
}
