/** Stats in: the HTTP intake that activator replicas report to in Kubernetes mode. */
package dev.pilotlight.autoscaler.intake;
