package dev.pilotlight.simulator.policy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.reserve.ReserveAnnotations;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.validation.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The presets and the policy syntax: a preset's name, or {@code NAME:KEY=VALUE;KEY=VALUE...} with
 * full annotation keys ({@code autoscaling.knative.dev/*}, {@code pilotlight.dev/*}), validated by
 * the same rules as a revision's annotations.
 */
public final class Policies {
  /** The rule a policy string follows, for messages. */
  public static final String RULE =
      "a preset ("
          + "knative-default, keepalive-1m, keepalive-5m, keepalive-10m, keepalive-20m, keepalive-60m,"
          + " min-scale-1, pilot-light, pilot-light-serves-1, prewarm, pilot-light-prewarm)"
          + " or NAME:KEY=VALUE;KEY=VALUE... with autoscaling.knative.dev/* and pilotlight.dev/*"
          + " annotation keys";

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final String RETENTION = AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION;
  private static final String RESERVE = ReserveAnnotations.INSTANCE;

  /** Every preset, in the order reports list them. */
  public static final List<Policy> PRESETS =
      List.of(
          new Policy("knative-default", Map.of()),
          new Policy("keepalive-1m", Map.of(RETENTION, "1m")),
          new Policy("keepalive-5m", Map.of(RETENTION, "5m")),
          new Policy("keepalive-10m", Map.of(RETENTION, "10m")),
          new Policy("keepalive-20m", Map.of(RETENTION, "20m")),
          new Policy("keepalive-60m", Map.of(RETENTION, "60m")),
          new Policy("min-scale-1", Map.of(AutoscalingAnnotations.MIN_SCALE, "1")),
          new Policy("pilot-light", Map.of(RESERVE, "true")),
          new Policy(
              "pilot-light-serves-1",
              Map.of(RESERVE, "true", ReserveAnnotations.SERVES_UP_TO, "1")),
          new Policy("prewarm", Map.of(AutoscalingAnnotations.PREWARM, "histogram")),
          new Policy(
              "pilot-light-prewarm",
              Map.of(RESERVE, "true", AutoscalingAnnotations.PREWARM, "histogram")));

  private Policies() {}

  /** Parses each policy string; throws with the rule on the first that does not parse. */
  public static List<Policy> parse(
      List<String> specs, AutoscalerConfig config, int containerConcurrency) {
    List<Policy> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String spec : specs) {
      Policy p = parse(spec.strip(), config, containerConcurrency);
      if (!names.add(p.name())) {
        throw new IllegalArgumentException(
            "policy \""
                + spec
                + "\": the name "
                + p.name()
                + " is used twice (expected: unique names)");
      }
      out.add(p);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no policy (expected: " + RULE + ")");
    }
    return out;
  }

  public static Policy parse(String spec, AutoscalerConfig config, int containerConcurrency) {
    for (Policy p : PRESETS) {
      if (p.name().equals(spec)) {
        return p;
      }
    }
    int colon = spec.indexOf(':');
    if (colon <= 0) {
      throw bad(spec, "");
    }
    String name = spec.substring(0, colon).strip();
    if (!NAME.matcher(name).matches()) {
      throw bad(spec, "the name \"" + name + "\" is not lower-case letters, digits, '-' and '.'; ");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    for (String pair : spec.substring(colon + 1).split(";", -1)) {
      if (pair.isBlank() && spec.substring(colon + 1).isBlank()) {
        break; // NAME: alone is Knative's defaults under another name
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw bad(spec, "\"" + pair + "\" is not KEY=VALUE; ");
      }
      String key = pair.substring(0, eq).strip();
      String value = pair.substring(eq + 1).strip();
      if (!key.startsWith(AutoscalingAnnotations.PREFIX) && !key.startsWith("pilotlight.dev/")) {
        throw bad(
            spec, "\"" + key + "\" is not an autoscaling.knative.dev/* or pilotlight.dev/* key; ");
      }
      if (key.equals(ReserveAnnotations.RESOURCES)
          || key.equals(ReserveAnnotations.NODE_SELECTOR)
          || key.equals(ReserveAnnotations.TOLERATIONS)
          || key.equals(ReserveAnnotations.POD_ANNOTATIONS)) {
        throw new IllegalArgumentException(
            "policy \""
                + spec
                + "\": annotations["
                + key
                + "] (expected: not in a simulation; the reserve's size is --reserve-fraction of"
                + " each function's memory)");
      }
      if (annotations.put(key, value) != null) {
        throw bad(spec, key + " is given twice; ");
      }
    }
    List<Violation> v = new ArrayList<>(ScalingSpecs.validate(annotations, config));
    v.addAll(ReserveSpecs.validate(annotations, containerConcurrency));
    if (!v.isEmpty()) {
      throw new IllegalArgumentException("policy \"" + spec + "\": " + v.get(0));
    }
    return new Policy(name, annotations);
  }

  private static IllegalArgumentException bad(String spec, String why) {
    return new IllegalArgumentException("policy \"" + spec + "\": " + why + "expected: " + RULE);
  }
}
