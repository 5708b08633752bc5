/** Time-weighted concurrency per revision, reported every second. */
package dev.pilotlight.activator.stats;
