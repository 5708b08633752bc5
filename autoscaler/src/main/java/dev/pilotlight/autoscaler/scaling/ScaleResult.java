package dev.pilotlight.autoscaler.scaling;

/**
 * Knative's {@code ScaleResult} plus the panic state to carry on.
 *
 * @param valid false when there was no data to decide on: keep the scale as it is
 */
public record ScaleResult(
    boolean valid, int desired, int excessBurstCapacity, long panicSinceNanos, int maxPanicPods) {}
