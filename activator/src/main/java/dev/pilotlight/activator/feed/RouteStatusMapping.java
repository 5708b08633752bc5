package dev.pilotlight.activator.feed;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.api.traffic.RouteTables;
import dev.pilotlight.api.traffic.RouteTables.ResolvedRoute;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Routes → the gateway's route table, as a pure function. A Route is served by what the controller
 * resolved into its {@code status.traffic} (concrete revisions), whatever its conditions say: a
 * Route whose latest edit was refused keeps serving its last good traffic, as in Knative. A Route
 * with no resolved traffic yet has no host (404).
 */
public final class RouteStatusMapping {
  private RouteStatusMapping() {}

  private static final Comparator<RouteResource> BY_NAMESPACE_AND_NAME =
      Comparator.comparing((RouteResource r) -> r.getMetadata().getNamespace())
          .thenComparing(r -> r.getMetadata().getName());

  /** Hosts {@code <route>.<namespace>.<domain>} and {@code <tag>-<route>.<namespace>.<domain>}. */
  public static RouteTable routeTable(Collection<RouteResource> routes, String domain) {
    List<RouteResource> sorted = new ArrayList<>(routes);
    sorted.sort(BY_NAMESPACE_AND_NAME);
    List<ResolvedRoute> resolved = new ArrayList<>();
    for (RouteResource route : sorted) {
      List<ResolvedTarget> targets = targets(route);
      if (!targets.isEmpty()) {
        resolved.add(
            new ResolvedRoute(
                route.getMetadata().getNamespace(), route.getMetadata().getName(), targets));
      }
    }
    return RouteTables.build(resolved, domain);
  }

  static List<ResolvedTarget> targets(RouteResource route) {
    RouteResource.Status status = route.getStatus();
    if (status == null || status.traffic() == null) {
      return List.of();
    }
    List<ResolvedTarget> targets = new ArrayList<>();
    for (TrafficStatus t : status.traffic()) {
      if (t == null || t.revisionName() == null || t.revisionName().isBlank()) {
        continue; // not resolved to a revision: nothing to route to
      }
      targets.add(
          new ResolvedTarget(
              t.revisionName(),
              t.configurationName(),
              Boolean.TRUE.equals(t.latestRevision()),
              t.percent() == null ? 0 : t.percent().intValue(),
              t.tag() == null || t.tag().isBlank() ? null : t.tag(),
              t.url()));
    }
    return targets;
  }
}
