/** Revision garbage collection with Knative's {@code config-gc} semantics, as a pure decision. */
package dev.pilotlight.controller.kubernetes.gc;
