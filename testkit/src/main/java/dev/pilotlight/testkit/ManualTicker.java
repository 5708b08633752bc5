package dev.pilotlight.testkit;

import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that only moves when told to. Thread-safe. */
public final class ManualTicker implements Ticker {
  private final AtomicLong nanos;

  public ManualTicker() {
    this(1_000_000_000L);
  }

  public ManualTicker(long startNanos) {
    this.nanos = new AtomicLong(startNanos);
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  public ManualTicker advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return this;
  }

  public ManualTicker advanceSeconds(long seconds) {
    return advance(Duration.ofSeconds(seconds));
  }

  public ManualTicker advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }
}
