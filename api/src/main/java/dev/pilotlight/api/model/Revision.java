package dev.pilotlight.api.model;

import dev.pilotlight.api.spi.RevisionKey;
import java.time.Instant;
import java.util.Map;

/**
 * An immutable snapshot of a configuration's template, stamped by the controller.
 *
 * @param configuration the owning configuration's name
 * @param service the owning service's name, or null for a bare Configuration
 * @param configurationGeneration the configuration generation that stamped it (1, 2, ...)
 * @param templateHash a stable hash of the template it was stamped from, to detect template changes
 * @param annotations the template's annotations (autoscaling knobs among them)
 */
public record Revision(
    RevisionKey key,
    String configuration,
    String service,
    long configurationGeneration,
    String templateHash,
    Map<String, String> annotations,
    Map<String, String> labels,
    RevisionSpec spec,
    Instant created) {

  public Revision {
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public String name() {
    return key.name();
  }

  public String namespace() {
    return key.namespace();
  }
}
