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
 */
public record InstanceSet(
    RevisionKey revision, List<Endpoint> ready, int starting, String failing) {
  public InstanceSet {
    ready = List.copyOf(ready);
  }

  public static InstanceSet empty(RevisionKey revision) {
    return new InstanceSet(revision, List.of(), 0, null);
  }
}
