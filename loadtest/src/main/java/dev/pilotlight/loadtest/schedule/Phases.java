package dev.pilotlight.loadtest.schedule;

import dev.pilotlight.api.autoscaling.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code --phases}: comma-separated {@code DURATION@RATE}, e.g. {@code
 * 30s@0,60s@200,120s@0}.
 */
public final class Phases {
  private Phases() {}

  public static List<Phase> parse(String text) {
    List<Phase> phases = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      int at = p.indexOf('@');
      if (at <= 0 || at == p.length() - 1) {
        throw new IllegalArgumentException("\"" + p + "\" (expected: DURATION@RATE, e.g. 60s@200)");
      }
      Duration d;
      double rate;
      try {
        d = Durations.parse(p.substring(0, at));
        rate = Double.parseDouble(p.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "\"" + p + "\" (expected: DURATION@RATE, e.g. 60s@200)", e);
      }
      phases.add(new Phase(d, rate));
    }
    return List.copyOf(phases);
  }

  public static Duration total(List<Phase> phases) {
    return phases.stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
  }
}
