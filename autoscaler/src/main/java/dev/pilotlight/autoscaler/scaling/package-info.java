/** The pure scaling decision: window statistics, spec, prior state and now in; a decision out. */
package dev.pilotlight.autoscaler.scaling;
