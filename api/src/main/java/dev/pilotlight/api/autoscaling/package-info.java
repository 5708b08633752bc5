/**
 * Knative's autoscaling knobs: annotation keys, global defaults and the validated per-revision
 * spec.
 */
package dev.pilotlight.api.autoscaling;
