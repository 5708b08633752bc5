/**
 * The custom resources of Kubernetes mode as fabric8 types ({@code serving.pilotlight.dev/v1}
 * Service, Configuration, Revision, Route; {@code autoscaling.pilotlight.dev/v1alpha1}
 * PodAutoscaler), their statuses, and the names and labels every component agrees on. Specs are the
 * local model's records, so the same pure cores run in both modes.
 */
package dev.pilotlight.api.kubernetes;
