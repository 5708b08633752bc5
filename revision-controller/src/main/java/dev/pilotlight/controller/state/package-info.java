/** Durable local state: the revision history that survives restarts of local mode. */
package dev.pilotlight.controller.state;
