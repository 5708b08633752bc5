package dev.pilotlight.autoscaler.scaling;

/**
 * The observed metric of one revision.
 *
 * @param stableAverage average over the stable window (concurrency, or requests per second)
 * @param panicAverage average over the panic window
 * @param stableWindowFull whether a whole stable window of data exists (false right after a start)
 * @param readyInstances standard instances ready now
 * @param routed whether any route sends traffic to the revision
 */
public record WindowStats(
    double stableAverage,
    double panicAverage,
    boolean stableWindowFull,
    int readyInstances,
    boolean routed) {}
