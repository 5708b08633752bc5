package dev.pilotlight.api.validation;

import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.Durations;
import dev.pilotlight.api.reserve.ReserveAnnotations;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The annotation prefixes Pilotlight or Knative own ({@code pilotlight.dev/}, {@code
 * autoscaling.knative.dev/}, {@code serving.knative.dev/}, {@code networking.knative.dev/}): a key
 * under one of them is one we know, in the place it belongs, or it is refused, so a typo never
 * silently does nothing. Other annotations are the user's and pass through.
 */
final class Annotations {
  static final String PILOTLIGHT = "pilotlight.dev/";
  static final String SERVING = "serving.knative.dev/";
  static final String NETWORKING = "networking.knative.dev/";
  static final String QUEUE_SIDECAR = "queue.sidecar.serving.knative.dev/";

  /** Set by Knative or kubectl plugins for information; accepted anywhere. */
  private static final Set<String> SERVING_INFORMATIONAL =
      Set.of(
          SERVING + "creator",
          SERVING + "lastModifier",
          SERVING + "routes",
          SERVING + "routingStateModified",
          SERVING + "lastPinned");

  /**
   * Written by Pilotlight itself on an object's metadata: the manifest file {@code pilotlight
   * local} applied it from (its {@code kubectl.kubernetes.io/last-applied-configuration}).
   */
  static final String SOURCE = PILOTLIGHT + "source";

  private static final Set<String> ROLLOUT =
      Set.of(SERVING + "rollout-duration", SERVING + "rolloutDuration");

  /** Honoured on a template: the progress deadline, and no-gc (revision GC keeps the revision). */
  private static final Set<String> TEMPLATE_SERVING =
      Set.of(SERVING + "progress-deadline", SERVING + "progressDeadline", SERVING + "no-gc");

  private Annotations() {}

  /** A Service's, Configuration's or Route's own annotations. */
  static void objectLevel(Map<String, String> annotations, String p, List<Violation> v) {
    for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
      String key = e.getKey();
      String at = p + "[" + key + "]";
      if (key.startsWith(AutoscalingAnnotations.PREFIX)) {
        v.add(
            new Violation(
                at,
                "set on the object (expected: autoscaling annotations under"
                    + " spec.template.metadata.annotations, where they work)"));
      } else if (key.startsWith(PILOTLIGHT) && !key.equals(SOURCE)) {
        v.add(
            new Violation(
                at,
                (known(key)
                    ? "set on the object (expected: under spec.template.metadata.annotations)"
                    : "unknown annotation (expected: one of Pilotlight's pilotlight.dev/* keys,"
                        + " on the template)")));
      } else if (ROLLOUT.contains(key)) {
        rollout(e.getValue(), at, v);
      } else if (key.startsWith(SERVING) && !SERVING_INFORMATIONAL.contains(key)) {
        v.add(new Violation(at, servingUnknown(key)));
      } else if (key.startsWith(NETWORKING)) {
        v.add(new Violation(at, networking()));
      }
    }
  }

  /** A revision template's annotations (autoscaling ones are checked by ScalingSpecs). */
  static void templateLevel(Map<String, String> annotations, String p, List<Violation> v) {
    for (String key : new TreeMap<>(annotations).keySet()) {
      String at = p + "[" + key + "]";
      if (key.startsWith(PILOTLIGHT)) {
        if (!known(key)) {
          v.add(
              new Violation(
                  at,
                  "unknown annotation (expected: one of "
                      + String.join(", ", ReserveAnnotations.ALL)
                      + ", "
                      + AutoscalingAnnotations.WINDOW_AVERAGING
                      + ")"));
        }
      } else if (key.startsWith(SERVING)
          && !SERVING_INFORMATIONAL.contains(key)
          && !TEMPLATE_SERVING.contains(key)) {
        v.add(new Violation(at, servingUnknown(key)));
      } else if (key.startsWith(NETWORKING)) {
        v.add(new Violation(at, networking()));
      } else if (key.startsWith(QUEUE_SIDECAR)) {
        v.add(
            new Violation(
                at,
                "set (expected: no queue.sidecar.serving.knative.dev/* annotation: Pilotlight runs"
                    + " no queue-proxy sidecar)"));
      }
    }
  }

  private static boolean known(String key) {
    // reserve-* keys are checked one by one by ReserveSpecs
    return key.startsWith(ReserveAnnotations.PREFIX)
        || key.equals(AutoscalingAnnotations.WINDOW_AVERAGING);
  }

  private static String servingUnknown(String key) {
    return "unknown annotation (expected: a serving.knative.dev/* key Pilotlight knows:"
        + " progress-deadline or no-gc on the template; rollout-duration is not supported)";
  }

  private static String networking() {
    return "set (expected: no networking.knative.dev/* annotation: Pilotlight's gateway has no"
        + " ingress or certificate classes)";
  }

  /**
   * Knative's rollout-duration: a duration at second precision, not negative. Pilotlight moves
   * traffic at once, so a valid one is refused too (Knative would roll out gradually).
   */
  private static void rollout(String value, String at, List<Violation> v) {
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      v.add(new Violation(at, "\"" + value + "\" (expected: a duration, e.g. 380s)"));
      return;
    }
    if (d.getNano() != 0) {
      v.add(new Violation(at, "\"" + value + "\" (expected: at most second precision)"));
    } else if (d.isNegative()) {
      v.add(new Violation(at, "\"" + value + "\" (expected: not negative)"));
    } else if (!d.isZero()) {
      v.add(
          new Violation(
              at,
              "\""
                  + value
                  + "\" (expected: 0s or not set: gradual rollout is not supported, traffic moves"
                  + " at once)"));
    }
  }
}
