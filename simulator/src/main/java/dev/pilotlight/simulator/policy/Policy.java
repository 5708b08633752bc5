package dev.pilotlight.simulator.policy;

import dev.pilotlight.api.reserve.ReserveAnnotations;
import java.util.Map;
import java.util.TreeMap;

/**
 * One configuration a user could deploy: the annotations on every revision's template. The pilot
 * light's reserve is sized by the simulation (a fraction of each function's memory), not by {@code
 * reserve-resources}.
 */
public record Policy(String name, Map<String, String> annotations) {
  public Policy {
    annotations = Map.copyOf(new TreeMap<>(annotations));
  }

  /** Whether the pilot light is on. */
  public boolean reserve() {
    String v = annotations.get(ReserveAnnotations.INSTANCE);
    return v != null
        && (v.equals("true")
            || v.equals("True")
            || v.equals("TRUE")
            || v.equals("t")
            || v.equals("T")
            || v.equals("1"));
  }

  /** The annotations in key order, for reports. */
  public Map<String, String> sortedAnnotations() {
    return new TreeMap<>(annotations);
  }
}
