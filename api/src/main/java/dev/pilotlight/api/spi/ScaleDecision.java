package dev.pilotlight.api.spi;

/**
 * The autoscaler's answer for one revision.
 *
 * @param desiredScale standard instances wanted, ≥ 0
 * @param panic whether the decision was made in panic mode
 * @param excessBurstCapacity spare capacity beyond the target burst capacity; negative means the
 *     activator should stay in the path
 * @param reason a short human-readable explanation
 */
public record ScaleDecision(
    RevisionKey revision,
    int desiredScale,
    boolean panic,
    double excessBurstCapacity,
    String reason) {}
