package dev.pilotlight.simulator.trace;

/**
 * The trace's requests in time order, one at a time, without an object per request: {@link #next}
 * moves to the next one, the getters describe it.
 */
public interface ArrivalCursor extends AutoCloseable {
  /** Moves to the next request; false at the end. */
  boolean next();

  /** When it arrives, nanoseconds from the trace's start. */
  long timeNanos();

  /** Its function, an index into {@link Trace#functions()}. */
  int function();

  /** How long it occupies an instance. */
  long durationNanos();

  @Override
  default void close() {}
}
