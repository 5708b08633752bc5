/** Time as an injected dependency: the one place that reads the system clock. */
package dev.pilotlight.api.time;
