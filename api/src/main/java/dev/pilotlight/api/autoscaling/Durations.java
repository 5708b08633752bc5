package dev.pilotlight.api.autoscaling;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go-style durations as Knative writes them: "60s", "1m30s", "500ms", "1h", "1.5s", "0". */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private Durations() {}

  /**
   * Throws {@link IllegalArgumentException} when {@code text} is not a non-negative Go duration.
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration");
    }
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(s);
    int pos = 0;
    double nanos = 0;
    while (pos < s.length()) {
      if (!m.find(pos) || m.start() != pos) {
        throw new IllegalArgumentException(
            "\"" + text + "\" is not a duration (expected: e.g. 30s, 1m30s, 500ms)");
      }
      nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
      pos = m.end();
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  private static double unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      default -> throw new IllegalArgumentException(unit);
    };
  }
}
