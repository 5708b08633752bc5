package dev.pilotlight.controller.kubernetes.gc;

import dev.pilotlight.api.autoscaling.Durations;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Knative's {@code config-gc}: when a configuration's old, non-routed revisions are deleted.
 *
 * @param retainSinceCreateTime a revision younger than this is kept; null = disabled (ignored)
 * @param retainSinceLastActiveTime a revision routed more recently than this is kept; null =
 *     disabled
 * @param minNonActiveRevisions non-routed revisions always kept, the most recently active ones
 * @param maxNonActiveRevisions non-routed revisions kept at most, whatever their age; -1 = no limit
 */
public record GcConfig(
    Duration retainSinceCreateTime,
    Duration retainSinceLastActiveTime,
    int minNonActiveRevisions,
    int maxNonActiveRevisions) {

  public static final int DISABLED = -1;

  /** Knative's defaults: 48h, 15h, at least 20, at most 1000. */
  public static final GcConfig DEFAULTS =
      new GcConfig(Duration.ofHours(48), Duration.ofHours(15), 20, 1000);

  private static final Set<String> KNOWN =
      Set.of(
          "retain-since-create-time",
          "retain-since-last-active-time",
          "min-non-active-revisions",
          "max-non-active-revisions",
          "_example");

  public GcConfig {
    if (minNonActiveRevisions < 0) {
      throw new IllegalArgumentException(
          "minNonActiveRevisions: " + minNonActiveRevisions + " (expected: >= 0)");
    }
    if (maxNonActiveRevisions != DISABLED && maxNonActiveRevisions < minNonActiveRevisions) {
      throw new IllegalArgumentException(
          "maxNonActiveRevisions: "
              + maxNonActiveRevisions
              + " (expected: >= minNonActiveRevisions "
              + minNonActiveRevisions
              + ", or -1)");
    }
  }

  /**
   * The config from a {@code config-gc} ConfigMap's data ({@code "disabled"} turns a setting off);
   * throws {@link ValidationException} listing every problem, fields as {@code data.<key>}.
   */
  public static GcConfig fromData(Map<String, String> data) {
    List<Violation> v = new ArrayList<>();
    for (String key : data.keySet()) {
      if (!KNOWN.contains(key)) {
        v.add(new Violation("data." + key, "unknown key (expected: a key of Knative's config-gc)"));
      }
    }
    Duration create = duration(data, "retain-since-create-time", DEFAULTS.retainSinceCreateTime, v);
    Duration active =
        duration(data, "retain-since-last-active-time", DEFAULTS.retainSinceLastActiveTime, v);
    int min = count(data, "min-non-active-revisions", DEFAULTS.minNonActiveRevisions, false, v);
    int max = count(data, "max-non-active-revisions", DEFAULTS.maxNonActiveRevisions, true, v);
    if (v.isEmpty() && max != DISABLED && max < min) {
      v.add(
          new Violation(
              "data.max-non-active-revisions",
              max + " (expected: >= min-non-active-revisions " + min + ", or \"disabled\")"));
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return new GcConfig(create, active, min, max);
  }

  private static Duration duration(
      Map<String, String> data, String key, Duration fallback, List<Violation> v) {
    String s = data.get(key);
    if (s == null) {
      return fallback;
    }
    if (s.trim().equalsIgnoreCase("disabled")) {
      return null;
    }
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      v.add(
          new Violation(
              "data." + key, "\"" + s + "\" (expected: a duration such as 48h, or disabled)"));
      return fallback;
    }
  }

  private static int count(
      Map<String, String> data, String key, int fallback, boolean mayDisable, List<Violation> v) {
    String s = data.get(key);
    if (s == null) {
      return fallback;
    }
    if (mayDisable && s.trim().equalsIgnoreCase("disabled")) {
      return DISABLED;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    v.add(
        new Violation(
            "data." + key,
            "\"" + s + "\" (expected: an integer >= 0" + (mayDisable ? ", or disabled)" : ")")));
    return fallback;
  }
}
