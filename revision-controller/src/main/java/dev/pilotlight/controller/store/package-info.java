/**
 * The embedded object store of local mode: the objects a cluster's API server would hold, in
 * process, with the API server's guarantees (resourceVersion conflicts, generation, status apart
 * from spec, cascading delete, ordered watch events), durable in the state directory and bounded.
 * {@link dev.pilotlight.controller.store.ObjectStore} is the store and the reconcilers' {@code
 * ClusterWrites}; {@link dev.pilotlight.controller.store.StoreReads} their {@code ClusterReads} and
 * {@code ClusterEvents} (the informers' view: their joins, their filter). Together they run the
 * Kubernetes reconcilers without a cluster.
 */
package dev.pilotlight.controller.store;
