package dev.pilotlight.activator.throttle;

/**
 * A request waiting for a slot. The throttler calls exactly one of the two methods, once, from any
 * thread; implementations hop onto their own event loop.
 */
public interface Waiter {
  void granted(Slot slot);

  /** The revision is gone; the request must be answered with an error. */
  void revoked();
}
