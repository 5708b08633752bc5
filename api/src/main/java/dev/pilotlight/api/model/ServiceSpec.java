package dev.pilotlight.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * {@code template} is required; an empty or absent {@code traffic} means 100% to the latest ready
 * revision.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceSpec(RevisionTemplate template, List<TrafficTarget> traffic) {
  public ServiceSpec {
    traffic = traffic == null ? List.of() : List.copyOf(traffic);
  }
}
