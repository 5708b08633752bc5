/**
 * Traces: the Azure Functions 2019 format (per-minute counts, duration percentiles, memory) and a
 * plain per-request CSV, read whole and checked before anything is simulated, then replayed as a
 * time-ordered stream of arrivals.
 */
package dev.pilotlight.simulator.trace;
