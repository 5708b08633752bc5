/**
 * Latency recording from intended send times (no coordinated omission), with per-second intervals.
 */
package dev.pilotlight.loadtest.record;
