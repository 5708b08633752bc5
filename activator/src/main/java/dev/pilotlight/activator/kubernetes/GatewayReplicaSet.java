package dev.pilotlight.activator.kubernetes;

import dev.pilotlight.activator.Gateway;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which replica of the gateway this one is, from the EndpointSlices of the gateway's own Service:
 * the ready endpoints' addresses, merged over the slices and sorted, and this pod's address among
 * them. Every replica sorts the same set the same way, so they agree on the count and on distinct
 * indices without talking to each other (Knative's activators do the same with their public
 * Endpoints). Empty when this pod is not among the ready ones (still starting, or draining: it then
 * keeps the share it had, so a draining replica's requests in flight stay within it).
 */
public final class GatewayReplicaSet {
  private GatewayReplicaSet() {}

  public static Optional<Gateway.Replicas> of(Collection<EndpointSlice> slices, String selfIp) {
    TreeSet<String> ready = new TreeSet<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : slice.getEndpoints()) {
        if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
          continue;
        }
        Boolean isReady = e.getConditions() == null ? null : e.getConditions().getReady();
        if (isReady == null || isReady) { // unset reads as ready (Kubernetes' API docs)
          ready.add(e.getAddresses().get(0));
        }
      }
    }
    if (selfIp == null || !ready.contains(selfIp)) {
      return Optional.empty();
    }
    return Optional.of(new Gateway.Replicas(ready.headSet(selfIp).size(), ready.size()));
  }
}
