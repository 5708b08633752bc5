package dev.pilotlight.controller.kubernetes.desired;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.controller.reconcile.ServiceResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.HashMap;
import java.util.Map;

/**
 * A Service's Configuration and Route, as pure builders over local mode's {@link ServiceResources}:
 * same names as the Service, its labels plus {@code serving.knative.dev/service}, its annotations
 * (but kubectl's last-applied copy), owned by it.
 */
public final class ServiceChildren {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private ServiceChildren() {}

  public static ConfigurationResource configuration(ServiceResource service) {
    Configuration model = ServiceResources.configuration(Models.service(service));
    ConfigurationResource c = new ConfigurationResource();
    c.setMetadata(meta(model.metadata(), service));
    c.setSpec(model.spec());
    return c;
  }

  public static RouteResource route(ServiceResource service) {
    Route model = ServiceResources.route(Models.service(service));
    RouteResource r = new RouteResource();
    r.setMetadata(meta(model.metadata(), service));
    r.setSpec(model.spec());
    return r;
  }

  private static io.fabric8.kubernetes.api.model.ObjectMeta meta(
      ObjectMeta m, ServiceResource owner) {
    Map<String, String> annotations = new HashMap<>(m.annotations());
    annotations.remove(LAST_APPLIED);
    return new ObjectMetaBuilder()
        .withName(m.name())
        .withNamespace(owner.getMetadata().getNamespace())
        .withLabels(new HashMap<>(m.labels()))
        .withAnnotations(annotations)
        .withOwnerReferences(Ownership.controllerRef(owner))
        .build();
  }
}
