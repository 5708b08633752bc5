/**
 * The replay: virtual time ({@link dev.pilotlight.simulator.engine.VirtualScheduler}), the real
 * autoscaler, throttler, concurrency accounting and pilot-light policy wired as local mode wires
 * them, and simulated instances ({@link dev.pilotlight.simulator.engine.Replay}).
 */
package dev.pilotlight.simulator.engine;
