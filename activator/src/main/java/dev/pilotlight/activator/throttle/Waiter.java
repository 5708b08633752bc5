package dev.pilotlight.activator.throttle;

/**
 * A request waiting for a slot. The throttler calls exactly one of the two methods, once, from any
 * thread; implementations hop onto their own event loop.
 */
public interface Waiter {
  void granted(Slot slot);

  /** No slot will come (the revision is gone, or the gateway stops): answer with an error. */
  void revoked(Refusal why);
}
