package dev.pilotlight.api.traffic;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A traffic entry resolved to a concrete revision, as in Knative's {@code status.traffic}.
 *
 * @param configurationName set when the entry named a configuration (or latestRevision)
 * @param url the tag's URL, null without a tag
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResolvedTarget(
    String revisionName,
    String configurationName,
    boolean latestRevision,
    int percent,
    String tag,
    String url) {}
