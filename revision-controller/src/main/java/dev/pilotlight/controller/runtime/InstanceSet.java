package dev.pilotlight.controller.runtime;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import java.util.List;

/**
 * Observed instances of one revision.
 *
 * @param ready instances that pass their readiness probe, in start order
 * @param starting instances started but not ready yet (restarting ones included)
 * @param failing a short reason when instances keep crashing or failing to start, else null
 * @param startingEndpoints the addresses of the starting instances that are running (restarting
 *     ones excluded), in start order: the gateway probes them itself, so it can route to one before
 *     the runtime finds it ready
 */
public record InstanceSet(
    RevisionKey revision,
    List<Endpoint> ready,
    int starting,
    String failing,
    List<Endpoint> startingEndpoints) {
  public InstanceSet {
    ready = List.copyOf(ready);
    startingEndpoints = startingEndpoints == null ? List.of() : List.copyOf(startingEndpoints);
  }

  /** Without the addresses of starting instances. */
  public InstanceSet(RevisionKey revision, List<Endpoint> ready, int starting, String failing) {
    this(revision, ready, starting, failing, List.of());
  }

  public static InstanceSet empty(RevisionKey revision) {
    return new InstanceSet(revision, List.of(), 0, null);
  }
}
