package dev.pilotlight.controller.kubernetes.queue;

import java.time.Duration;

/**
 * What a reconcile asks of the loop: nothing more ({@link Done}), or another look after a delay
 * ({@link RequeueAfter}, e.g. when a revision becomes collectable at a known time). Failures are
 * thrown, not returned; the loop retries them with backoff.
 */
public sealed interface ReconcileResult {

  /** Converged; the next event for the key brings it back. */
  record Done() implements ReconcileResult {}

  /** Converged for now; look again after {@code delay} even without an event. */
  record RequeueAfter(Duration delay) implements ReconcileResult {
    public RequeueAfter {
      if (delay == null || delay.isNegative()) {
        throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
      }
    }
  }

  Done DONE = new Done();

  static ReconcileResult done() {
    return DONE;
  }

  static ReconcileResult requeueAfter(Duration delay) {
    return new RequeueAfter(delay);
  }
}
