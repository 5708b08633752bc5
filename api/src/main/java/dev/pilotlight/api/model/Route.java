package dev.pilotlight.api.model;

/** A Knative Route: a host name and the traffic split behind it. */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(
    value = {"status"},
    allowGetters = true)
public record Route(String apiVersion, String kind, ObjectMeta metadata, RouteSpec spec)
    implements Resource {
  public static final String KIND = "Route";
}
