/** Shared test fixtures: manual time, conditions with deadlines, resource builders. */
package dev.pilotlight.testkit;
