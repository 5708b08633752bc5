package dev.pilotlight.api.model;

import java.util.List;

public record RouteSpec(List<TrafficTarget> traffic) {
  public RouteSpec {
    traffic = traffic == null ? List.of() : List.copyOf(traffic);
  }
}
