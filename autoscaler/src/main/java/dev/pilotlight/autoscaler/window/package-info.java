/** Sliding windows of per-second buckets, with time passed in. */
package dev.pilotlight.autoscaler.window;
