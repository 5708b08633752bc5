package dev.pilotlight.api.spi;

/**
 * One second of one revision's traffic as one activator saw it.
 *
 * @param averageConcurrency time-weighted average of in-flight requests (held ones included) over
 *     the second
 * @param requestCount requests that arrived during the second
 */
public record StatRecord(RevisionKey revision, double averageConcurrency, long requestCount) {}
