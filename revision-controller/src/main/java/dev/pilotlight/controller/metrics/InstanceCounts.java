package dev.pilotlight.controller.metrics;

import dev.pilotlight.api.spi.RevisionKey;

/**
 * One revision's instances on the local node, at one moment.
 *
 * @param starting standard instances whose process runs but is not ready yet
 * @param ready standard instances ready
 * @param pending standard instances desired but not running: not started yet (waiting for the
 *     node's capacity: Unschedulable), or waiting to restart after a crash
 * @param reserve reserve instances running (ready or not)
 * @param restarts crashed instances restarted since the revision was first run (monotonic)
 */
public record InstanceCounts(
    RevisionKey revision, int starting, int ready, int pending, int reserve, long restarts) {}
