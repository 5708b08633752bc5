package dev.pilotlight.api.spi;

import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of every host the gateway serves, published whole by the controller on
 * every route change. Host names are lower case and carry no port.
 */
public record RouteTable(Map<String, HostRoute> hosts) {

  public static final RouteTable EMPTY = new RouteTable(Map.of());

  public RouteTable {
    hosts = Map.copyOf(hosts);
  }

  public HostRoute lookup(String host) {
    return hosts.get(host);
  }

  /**
   * The targets behind one host: the route's main host carries the whole split, a tag host one
   * target at 100%. Percents of the targets sum to 100.
   */
  public record HostRoute(String namespace, String route, List<WeightedRevision> targets) {
    public HostRoute {
      targets = List.copyOf(targets);
    }
  }

  /** A revision and its share of a host's traffic, percent 0–100. */
  public record WeightedRevision(RevisionKey revision, int percent) {}
}
