/** The controller's and the local node's Prometheus series. */
package dev.pilotlight.controller.metrics;
