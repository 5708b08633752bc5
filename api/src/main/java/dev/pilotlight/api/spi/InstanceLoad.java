package dev.pilotlight.api.spi;

/**
 * Requests in flight per instance as the gateway counts them, so a controller can let an instance
 * finish what it has before stopping it (the reserve, once standard instances are ready). Cheap;
 * callable from any thread.
 */
@FunctionalInterface
public interface InstanceLoad {
  /** No gateway to ask: every instance counts as idle. */
  InstanceLoad NONE = (revision, instanceId) -> 0;

  /** Requests in flight to the instance {@code instanceId} of {@code revision}; 0 when unknown. */
  int inFlight(RevisionKey revision, String instanceId);
}
