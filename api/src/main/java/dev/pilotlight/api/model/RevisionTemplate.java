package dev.pilotlight.api.model;

/**
 * {@code spec.template} of a Service or Configuration. {@code metadata.name}, when set, names the
 * revision it stamps (and must be prefixed by the configuration name).
 */
public record RevisionTemplate(ObjectMeta metadata, RevisionSpec spec) {
  public RevisionTemplate {
    metadata = metadata == null ? new ObjectMeta(null, null, null, null, null, null) : metadata;
  }
}
