/**
 * The revision controller: one work queue and reconciler per kind (Service, Configuration,
 * Revision, Route) in {@link dev.pilotlight.controller.kubernetes.Controller}, reading through
 * {@link dev.pilotlight.controller.kubernetes.ClusterReads}, writing through {@link
 * dev.pilotlight.controller.kubernetes.ClusterWrites} and fed by {@link
 * dev.pilotlight.controller.kubernetes.ClusterEvents}. On Kubernetes {@link
 * dev.pilotlight.controller.kubernetes.KubernetesController} puts it over informer caches and the
 * fabric8 client, leader-gated by the caller; over the embedded object store ({@code
 * controller.store}) the same classes run without a cluster.
 */
package dev.pilotlight.controller.kubernetes;
