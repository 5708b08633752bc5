package dev.pilotlight.controller.runtime.local;

import java.time.Duration;

/**
 * Capped exponential backoff for restarting a crashing instance: 100 ms, 200 ms, ... up to 30 s.
 */
record RestartBackoff(Duration initial, Duration max) {
  static final RestartBackoff DEFAULT =
      new RestartBackoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  /** The delay before restart number {@code failures} (1-based). */
  Duration delay(int failures) {
    long nanos = initial.toNanos();
    for (int i = 1; i < failures && nanos < max.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, max.toNanos()));
  }
}
