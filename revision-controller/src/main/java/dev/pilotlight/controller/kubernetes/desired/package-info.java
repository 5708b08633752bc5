/**
 * Pure builders of the objects the controller writes (Knative's {@code Make...}), their semantic
 * comparison with what exists, and conversions between the custom resources and the local model.
 */
package dev.pilotlight.controller.kubernetes.desired;
