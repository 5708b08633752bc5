package dev.pilotlight.controller.local;

import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.controller.reconcile.ServiceResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's declared resources, grouped by the file they came from, expanded into configurations
 * and routes. A name declared in two files is served from the file loaded first; the other is
 * reported.
 */
final class DesiredState {

  /** A configuration to reconcile and the service that owns it (null for a bare Configuration). */
  record DesiredConfiguration(Configuration configuration, String service) {
    String key() {
      return configuration.namespace() + "/" + configuration.name();
    }
  }

  /** A route to resolve; {@code kind} is "Service" or "Route", as the user declared it. */
  record DesiredRoute(Route route, String kind) {
    String key() {
      return route.namespace() + "/" + route.name();
    }
  }

  record Expansion(
      List<DesiredConfiguration> configurations,
      List<DesiredRoute> routes,
      List<String> conflicts) {}

  private final Map<String, List<Resource>> bySource = new LinkedHashMap<>();

  void put(String source, List<Resource> resources) {
    bySource.put(source, List.copyOf(resources));
  }

  void remove(String source) {
    bySource.remove(source);
  }

  Expansion expand() {
    Map<String, DesiredConfiguration> configs = new LinkedHashMap<>();
    Map<String, DesiredRoute> routes = new LinkedHashMap<>();
    Map<String, String> configOrigin = new LinkedHashMap<>();
    Map<String, String> routeOrigin = new LinkedHashMap<>();
    List<String> conflicts = new ArrayList<>();
    for (Map.Entry<String, List<Resource>> e : bySource.entrySet()) {
      String source = e.getKey();
      for (Resource r : e.getValue()) {
        String key = r.namespace() + "/" + r.name();
        boolean claimsConfig = !(r instanceof Route);
        boolean claimsRoute = !(r instanceof Configuration);
        String clash =
            claimsConfig && configOrigin.containsKey(key)
                ? configOrigin.get(key)
                : claimsRoute && routeOrigin.containsKey(key) ? routeOrigin.get(key) : null;
        if (clash != null) {
          conflicts.add(
              r.describe()
                  + " in "
                  + source
                  + " ignored: the name is already declared in "
                  + clash);
          continue;
        }
        if (claimsConfig) {
          configOrigin.put(key, source);
        }
        if (claimsRoute) {
          routeOrigin.put(key, source);
        }
        if (r instanceof Service s) {
          configs.put(key, new DesiredConfiguration(ServiceResources.configuration(s), s.name()));
          routes.put(key, new DesiredRoute(ServiceResources.route(s), Service.KIND));
        } else if (r instanceof Configuration c) {
          configs.put(key, new DesiredConfiguration(c, null));
        } else if (r instanceof Route rt) {
          routes.put(key, new DesiredRoute(rt, Route.KIND));
        }
      }
    }
    return new Expansion(List.copyOf(configs.values()), List.copyOf(routes.values()), conflicts);
  }
}
