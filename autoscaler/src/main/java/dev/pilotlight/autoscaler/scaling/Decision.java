package dev.pilotlight.autoscaler.scaling;

/** A decision and the state to carry to the next one. */
public record Decision(
    int desired, DeciderState state, double excessBurstCapacity, String reason) {}
