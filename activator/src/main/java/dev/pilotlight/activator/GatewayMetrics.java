package dev.pilotlight.activator;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the gateway: requests proxied, held, and failed per {@link ProxyError}. */
public final class GatewayMetrics {
  private final LongAdder proxied = new LongAdder();
  private final LongAdder held = new LongAdder();
  private final Map<ProxyError, LongAdder> errors = new EnumMap<>(ProxyError.class);

  public GatewayMetrics() {
    for (ProxyError e : ProxyError.values()) {
      errors.put(e, new LongAdder());
    }
  }

  public void proxied() {
    proxied.increment();
  }

  public void held() {
    held.increment();
  }

  public void error(ProxyError e) {
    errors.get(e).increment();
  }

  /** An immutable copy of the counters. */
  public Snapshot snapshot() {
    Map<ProxyError, Long> e = new EnumMap<>(ProxyError.class);
    errors.forEach((k, v) -> e.put(k, v.sum()));
    return new Snapshot(proxied.sum(), held.sum(), Map.copyOf(e));
  }

  public record Snapshot(long proxied, long held, Map<ProxyError, Long> errors) {}
}
