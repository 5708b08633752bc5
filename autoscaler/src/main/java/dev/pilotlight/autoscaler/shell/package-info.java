/**
 * The autoscaler's shell in both modes: PodAutoscalers in (an object source: an informer on a
 * cluster, the object store in local mode), desired scales out (their status, written only by the
 * leader).
 */
package dev.pilotlight.autoscaler.shell;
