/** Per-revision capacity and the bounded holding queue. */
package dev.pilotlight.activator.throttle;
