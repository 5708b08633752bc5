package dev.pilotlight.controller.reconcile;

import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ConfigurationSpec;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.RouteSpec;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.model.TrafficTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * Knative's expansion of a Service into its Configuration and Route, as pure builders. Both
 * children carry the service's name; the route's {@code latestRevision} entries refer to the
 * service's own configuration, made explicit here so route resolution needs no knowledge of
 * services.
 */
public final class ServiceResources {
  public static final String SERVICE_LABEL = "serving.knative.dev/service";

  private ServiceResources() {}

  public static Configuration configuration(Service service) {
    ObjectMeta meta = childMeta(service);
    return new Configuration(
        service.apiVersion(),
        Configuration.KIND,
        meta,
        new ConfigurationSpec(service.spec().template()));
  }

  public static Route route(Service service) {
    List<TrafficTarget> traffic = service.spec().traffic();
    List<TrafficTarget> explicit = new ArrayList<>();
    if (traffic.isEmpty()) {
      explicit.add(new TrafficTarget(null, service.name(), true, 100L, null));
    } else {
      for (TrafficTarget t : traffic) {
        explicit.add(
            t.isLatest() ? new TrafficTarget(null, service.name(), true, t.percent(), t.tag()) : t);
      }
    }
    return new Route(service.apiVersion(), Route.KIND, childMeta(service), new RouteSpec(explicit));
  }

  private static ObjectMeta childMeta(Service service) {
    ObjectMeta m = service.metadata();
    java.util.Map<String, String> labels = new java.util.HashMap<>(m.labels());
    labels.put(SERVICE_LABEL, service.name());
    return new ObjectMeta(m.name(), m.namespace(), labels, m.annotations(), m.generation());
  }
}
