package dev.pilotlight.api.model;

/** A Knative Configuration: every change of its template stamps a new immutable Revision. */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(
    value = {"status"},
    allowGetters = true)
public record Configuration(
    String apiVersion, String kind, ObjectMeta metadata, ConfigurationSpec spec)
    implements Resource {
  public static final String KIND = "Configuration";
}
