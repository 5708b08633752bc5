package dev.pilotlight.activator.routing;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import java.util.Locale;
import java.util.function.IntUnaryOperator;

/**
 * Maps a Host header to a revision: exact host match (lower case, port stripped), then a weighted
 * pick among the host's targets. The table is swapped whole; lookups never lock.
 */
public final class RouteSelector {
  private volatile RouteTable table = RouteTable.EMPTY;
  private final IntUnaryOperator random;

  /**
   * @param random returns a uniform int in [0, bound) for a bound; injected for tests
   */
  public RouteSelector(IntUnaryOperator random) {
    this.random = random;
  }

  public void update(RouteTable table) {
    this.table = table;
  }

  /** The revision for this Host header value, or null when no route serves it. */
  public RevisionKey select(String hostHeader) {
    if (hostHeader == null) {
      return null;
    }
    HostRoute route = table.lookup(normalizeHost(hostHeader));
    return route == null ? null : pick(route);
  }

  /**
   * "Hello.Default.localhost:8080" → "hello.default.localhost"; IPv6 literals keep their brackets.
   */
  public static String normalizeHost(String host) {
    String h = host.trim();
    int colon = h.lastIndexOf(':');
    if (colon > 0 && h.indexOf(']') < colon) {
      h = h.substring(0, colon);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT);
  }

  RevisionKey pick(HostRoute route) {
    int total = 0;
    for (WeightedRevision w : route.targets()) {
      total += w.percent();
    }
    if (total <= 0) {
      return null;
    }
    int r = random.applyAsInt(total);
    for (WeightedRevision w : route.targets()) {
      r -= w.percent();
      if (r < 0) {
        return w.revision();
      }
    }
    return route.targets().get(route.targets().size() - 1).revision();
  }
}
