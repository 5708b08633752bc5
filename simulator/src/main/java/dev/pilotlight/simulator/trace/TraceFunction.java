package dev.pilotlight.simulator.trace;

/**
 * One function (a revision in the replay).
 *
 * @param name the revision's name in the replay
 * @param id the trace's own id (the Azure trace's HashFunction, or the CSV's revision)
 * @param trigger the Azure trace's trigger, or empty
 * @param memoryMb the size of a standard instance
 * @param invocations requests in the trace
 */
public record TraceFunction(
    String name, String id, String trigger, double memoryMb, long invocations) {}
