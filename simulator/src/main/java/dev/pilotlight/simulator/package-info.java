/**
 * {@code pilotlight simulate}: a discrete-event replay of a trace in virtual time through the real
 * autoscaler ({@code ScalerLoop}, decider, windows, the prewarm policy), the gateway's throttler
 * and concurrency accounting, and the pilot-light policy; only instances are simulated. {@code
 * trace} reads traces, {@code policy} the configurations compared, {@code engine} runs them, {@code
 * report} writes JSON and HTML.
 */
package dev.pilotlight.simulator;
