package dev.pilotlight.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entry of a traffic block: exactly one of {@code revisionName}, {@code configurationName} or
 * {@code latestRevision: true} (a Service's own configuration), a percent 0–100 and an optional
 * tag.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficTarget(
    String revisionName,
    String configurationName,
    Boolean latestRevision,
    Long percent,
    String tag) {

  public static TrafficTarget latest(long percent) {
    return new TrafficTarget(null, null, true, percent, null);
  }

  public static TrafficTarget revision(String revisionName, long percent, String tag) {
    return new TrafficTarget(revisionName, null, false, percent, tag);
  }

  public long percentOrZero() {
    return percent == null ? 0 : percent;
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isLatest() {
    return Boolean.TRUE.equals(latestRevision);
  }
}
