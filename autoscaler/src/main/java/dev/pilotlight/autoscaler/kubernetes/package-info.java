/**
 * The autoscaler on Kubernetes: PodAutoscalers in (an informer), desired scales out (their status
 * subresource, written only by the leader).
 */
package dev.pilotlight.autoscaler.kubernetes;
