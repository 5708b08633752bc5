package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One resolved entry of a Route's (and its Service's) {@code status.traffic}: always a concrete
 * revision; {@code latestRevision} says whether it was named by "latest".
 *
 * @param url the tag's URL, only for tagged entries
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficStatus(
    String revisionName,
    String configurationName,
    Boolean latestRevision,
    Long percent,
    String tag,
    String url) {}
