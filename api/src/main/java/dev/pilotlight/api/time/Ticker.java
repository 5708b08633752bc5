package dev.pilotlight.api.time;

/** A monotonic nanosecond source. Inject it; never read {@code System.nanoTime()} elsewhere. */
@FunctionalInterface
public interface Ticker {
  long nanoTime();

  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
