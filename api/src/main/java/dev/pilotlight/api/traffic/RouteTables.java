package dev.pilotlight.api.traffic;

import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Builds the gateway's route table from resolved routes, as a pure function. */
public final class RouteTables {
  private RouteTables() {}

  /** A route and its resolved targets. */
  public record ResolvedRoute(String namespace, String name, List<ResolvedTarget> targets) {}

  /**
   * The main host carries every target with percent > 0 (merged per revision); each tag host sends
   * 100% to its tag's revision, whatever that target's percent.
   */
  public static RouteTable build(List<ResolvedRoute> routes, String domain) {
    Map<String, HostRoute> hosts = new LinkedHashMap<>();
    for (ResolvedRoute route : routes) {
      Map<String, Integer> byRevision = new LinkedHashMap<>();
      for (ResolvedTarget t : route.targets()) {
        if (t.percent() > 0) {
          byRevision.merge(t.revisionName(), t.percent(), Integer::sum);
        }
      }
      List<WeightedRevision> weighted = new ArrayList<>();
      byRevision.forEach(
          (rev, pct) ->
              weighted.add(new WeightedRevision(new RevisionKey(route.namespace(), rev), pct)));
      hosts.put(
          Names.host(route.name(), route.namespace(), domain),
          new HostRoute(route.namespace(), route.name(), weighted));
      for (ResolvedTarget t : route.targets()) {
        if (t.tag() != null) {
          hosts.put(
              Names.tagHost(t.tag(), route.name(), route.namespace(), domain),
              new HostRoute(
                  route.namespace(),
                  route.name(),
                  List.of(
                      new WeightedRevision(
                          new RevisionKey(route.namespace(), t.revisionName()), 100))));
        }
      }
    }
    return new RouteTable(hosts);
  }

  /** Revisions that receive traffic through any host (tags included). */
  public static Set<RevisionKey> routedRevisions(RouteTable table) {
    Set<RevisionKey> routed = new TreeSet<>();
    for (HostRoute route : table.hosts().values()) {
      for (WeightedRevision w : route.targets()) {
        routed.add(w.revision());
      }
    }
    return routed;
  }
}
