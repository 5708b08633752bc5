/**
 * Knative's external-domain TLS with cert-manager: a cert-manager {@code Certificate} per Route,
 * whose Secret the activator serves.
 */
package dev.pilotlight.controller.kubernetes.tls;
