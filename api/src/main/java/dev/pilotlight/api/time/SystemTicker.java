package dev.pilotlight.api.time;

/** The only class in Pilotlight that reads the JVM's monotonic clock. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
