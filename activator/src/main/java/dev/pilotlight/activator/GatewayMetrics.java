package dev.pilotlight.activator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the gateway: requests started, in flight, proxied, held, aborted mid-response, and
 * failed per {@link ProxyError}.
 */
public final class GatewayMetrics {
  private final LongAdder started = new LongAdder();
  private final LongAdder finished = new LongAdder();
  private final LongAdder proxied = new LongAdder();
  private final LongAdder held = new LongAdder();
  private final LongAdder aborted = new LongAdder();
  private final Map<ProxyError, LongAdder> errors = new EnumMap<>(ProxyError.class);

  public GatewayMetrics() {
    for (ProxyError e : ProxyError.values()) {
      errors.put(e, new LongAdder());
    }
  }

  public void started() {
    started.increment();
  }

  /** An exchange ended, {@code nanos} after it started (however it ended). */
  public void finished(long nanos) {
    finished.increment();
  }

  public void proxied() {
    proxied.increment();
  }

  public void held() {
    held.increment();
  }

  /** A response that had begun could not be completed: the client connection was closed. */
  public void aborted() {
    aborted.increment();
  }

  public void error(ProxyError e) {
    errors.get(e).increment();
  }

  /** Exchanges started and not yet ended. */
  public long inFlight() {
    return started.sum() - finished.sum();
  }

  /** An immutable copy of the counters. */
  public Snapshot snapshot() {
    Map<ProxyError, Long> e = new EnumMap<>(ProxyError.class);
    errors.forEach((k, v) -> e.put(k, v.sum()));
    return new Snapshot(proxied.sum(), held.sum(), aborted.sum(), inFlight(), Map.copyOf(e));
  }

  public record Snapshot(
      long proxied, long held, long aborted, long inFlight, Map<ProxyError, Long> errors) {}
}
