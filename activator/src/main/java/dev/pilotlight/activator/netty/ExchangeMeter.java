package dev.pilotlight.activator.netty;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.activator.stats.ConcurrencyAccumulator;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.time.Ticker;

/**
 * One exchange's account for the revision's concurrency and metrics: arrival, the time held (over
 * every wait, a retry's included), the instance class and status, and the end, counted once.
 */
final class ExchangeMeter {
  private final Ticker ticker;
  private final ConcurrencyAccumulator concurrency;
  private final GatewayMetrics gateway;
  private final GatewayMetrics.Revision metrics;
  private final long startNanos;
  private long heldSinceNanos = -1;
  private long heldNanos = -1; // never held
  private InstanceClass instanceClass; // of the last instance tried
  private int status; // sent to the client; 0 while none was

  ExchangeMeter(
      Ticker ticker,
      ConcurrencyAccumulator concurrency,
      GatewayMetrics gateway,
      GatewayMetrics.Revision metrics) {
    this.ticker = ticker;
    this.concurrency = concurrency;
    this.gateway = gateway;
    this.metrics = metrics;
    this.startNanos = ticker.nanoTime();
    concurrency.arrived(startNanos);
    metrics.started();
  }

  /** Queued for capacity. */
  void held() {
    heldSinceNanos = ticker.nanoTime();
    heldNanos = Math.max(0, heldNanos);
    gateway.held();
  }

  /** A slot came after a wait, if there was one. */
  void granted() {
    if (heldSinceNanos >= 0) {
      heldNanos += ticker.nanoTime() - heldSinceNanos;
      heldSinceNanos = -1;
    }
  }

  /** Time held so far (0 when never held). */
  long heldNanos() {
    return Math.max(0, heldNanos);
  }

  void instance(InstanceClass c) {
    instanceClass = c;
  }

  void status(int code) {
    status = code;
  }

  /** The exchange ended, however it ended. */
  void finished() {
    long now = ticker.nanoTime();
    concurrency.finished(now);
    if (heldSinceNanos >= 0) {
      heldNanos += now - heldSinceNanos; // ended while held
      heldSinceNanos = -1;
    }
    metrics.finished(now - startNanos, status, instanceClass, heldNanos);
  }
}
