/**
 * The revision controller on Kubernetes: informer caches, one work queue and reconciler per kind
 * (Service, Configuration, Revision, Route), writes through {@link
 * dev.pilotlight.controller.kubernetes.ClusterWrites}, leader-gated by the caller.
 */
package dev.pilotlight.controller.kubernetes;
