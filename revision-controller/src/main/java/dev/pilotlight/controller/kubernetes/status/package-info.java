/**
 * Status the Knative way, as pure functions: conditions with reasons and actionable messages, and
 * each kind's conditions from what its reconciler observed.
 */
package dev.pilotlight.controller.kubernetes.status;
