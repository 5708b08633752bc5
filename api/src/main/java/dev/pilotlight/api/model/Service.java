package dev.pilotlight.api.model;

/**
 * A Knative Service: a revision template plus a traffic block, expanded into a Configuration and a
 * Route.
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(
    value = {"status"},
    allowGetters = true)
public record Service(String apiVersion, String kind, ObjectMeta metadata, ServiceSpec spec)
    implements Resource {
  public static final String KIND = "Service";
}
