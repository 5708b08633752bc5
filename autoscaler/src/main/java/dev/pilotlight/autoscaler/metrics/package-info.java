/** The autoscaler's Prometheus series. */
package dev.pilotlight.autoscaler.metrics;
