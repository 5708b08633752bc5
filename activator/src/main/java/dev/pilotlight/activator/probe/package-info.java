/**
 * The gateway's own readiness probing of starting instances: a pure core deciding what to probe
 * when and what to route to ({@link dev.pilotlight.activator.probe.StartingProbes}), and a thin
 * Netty shell that runs the probes on the gateway's event loops.
 */
package dev.pilotlight.activator.probe;
