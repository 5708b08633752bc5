package dev.pilotlight.controller.runtime;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Observed instances of one revision, standard ones and the reserve (the pilot light) alike, told
 * apart by their {@link Endpoint#instanceClass()}.
 *
 * @param ready instances that pass their readiness probe, in start order
 * @param starting instances started but not ready yet (restarting ones and the reserve included)
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

  /** Standard instances ready. */
  public int readyStandard() {
    int n = 0;
    for (Endpoint e : ready) {
      if (e.instanceClass() == InstanceClass.STANDARD) {
        n++;
      }
    }
    return n;
  }

  /** Whether the reserve instance is ready. */
  public boolean reserveReady() {
    for (Endpoint e : ready) {
      if (e.instanceClass() == InstanceClass.RESERVE) {
        return true;
      }
    }
    return false;
  }

  /** The reserve instance's addresses, ready or running (at most one, except while replaced). */
  public List<Endpoint> reserveEndpoints() {
    List<Endpoint> reserve = new ArrayList<>(1);
    for (List<Endpoint> list : List.of(ready, startingEndpoints)) {
      for (Endpoint e : list) {
        if (e.instanceClass() == InstanceClass.RESERVE) {
          reserve.add(e);
        }
      }
    }
    return reserve;
  }
}
