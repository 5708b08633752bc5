package dev.pilotlight.activator;

import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTableListener;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;

/**
 * The gateway: routes by Host to revisions by weight, proxies to ready instances within their
 * concurrency limit, holds requests while a revision has no capacity (poking the autoscaler) and
 * reports concurrency every second. Route table and endpoints are pushed in by the controller.
 */
public final class Gateway implements RouteTableListener, EndpointsListener, AutoCloseable {

  public Gateway(GatewayConfig config, StatSink stats, Ticker ticker) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Binds and starts serving; returns the bound port. */
  public int start() throws InterruptedException {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void onRouteTable(RouteTable table) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void onEndpoints(RevisionEndpoints endpoints) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void onRevisionRemoved(RevisionKey revision) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stops accepting, then closes every connection. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
