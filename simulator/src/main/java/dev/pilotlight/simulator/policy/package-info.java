/** The scaling configurations a simulation compares: presets and user-written annotation sets. */
package dev.pilotlight.simulator.policy;
