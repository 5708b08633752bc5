/**
 * The embedded object store of local mode: the objects a cluster's API server would hold, in
 * process, with the API server's guarantees (resourceVersion conflicts, generation, status apart
 * from spec, cascading delete, ordered watch events), durable in the state directory and bounded.
 * {@link dev.pilotlight.controller.store.ObjectStore} is the store and the reconcilers' {@code
 * ClusterWrites} and {@code ClusterEvents}; {@link dev.pilotlight.controller.store.StoreReads}
 * their {@code ClusterReads}. Together they run the Kubernetes reconcilers without a cluster.
 */
package dev.pilotlight.controller.store;
