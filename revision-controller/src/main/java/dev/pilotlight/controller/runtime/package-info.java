/** The workload runtime interface: desired instances of a revision in, ready endpoints out. */
package dev.pilotlight.controller.runtime;
