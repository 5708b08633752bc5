package dev.pilotlight.loadtest.report;

/**
 * One number a scenario measured.
 *
 * @param key machine name for the JSON, e.g. {@code time_to_zero_s}
 * @param label for people, e.g. {@code time from the last response to zero instances}
 * @param value null when the condition was not reached in the run
 * @param unit e.g. {@code s}, {@code ms}, or empty
 */
public record Metric(String key, String label, Double value, String unit) {
  public static Metric of(String key, String label, double value, String unit) {
    return new Metric(key, label, value, unit);
  }

  /** The value with its unit, or {@code not reached}. */
  public String display() {
    if (value == null) {
      return "not reached";
    }
    String v =
        value == Math.rint(value) && Math.abs(value) < 1e9
            ? Long.toString(value.longValue())
            : String.format(java.util.Locale.ROOT, "%.3f", value);
    return unit.isEmpty() ? v : v + " " + unit;
  }
}
