package dev.pilotlight.autoscaler.scaling;

/**
 * The observed metric of one revision.
 *
 * @param stableAverage average over the stable window (concurrency, or requests per second)
 * @param panicAverage average over the panic window
 * @param hasData false when nothing was recorded for more than a stable window (Knative's {@code
 *     ErrNoData}: no decision is made)
 * @param readyInstances standard instances ready now
 */
public record WindowStats(
    double stableAverage, double panicAverage, boolean hasData, int readyInstances) {}
