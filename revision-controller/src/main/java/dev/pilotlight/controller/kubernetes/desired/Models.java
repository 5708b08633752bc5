package dev.pilotlight.controller.kubernetes.desired;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.spi.RevisionKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The custom resources as the local model's records, so the pure cores of local mode (validation,
 * stamping, traffic resolution) run unchanged on Kubernetes.
 */
public final class Models {
  /**
   * On a Revision: the hash of the template it was stamped from, to see template changes. A label,
   * so annotations stay exactly the template's.
   */
  public static final String TEMPLATE_HASH_LABEL = "pilotlight.dev/template-hash";

  private Models() {}

  public static ObjectMeta meta(HasMetadata o) {
    io.fabric8.kubernetes.api.model.ObjectMeta m = o.getMetadata();
    return new ObjectMeta(
        m.getName(), m.getNamespace(), m.getLabels(), m.getAnnotations(), m.getGeneration());
  }

  public static Service service(ServiceResource s) {
    return new Service(s.getApiVersion(), Service.KIND, meta(s), s.getSpec());
  }

  public static Configuration configuration(ConfigurationResource c) {
    return new Configuration(c.getApiVersion(), Configuration.KIND, meta(c), c.getSpec());
  }

  public static Route route(RouteResource r) {
    return new Route(r.getApiVersion(), Route.KIND, meta(r), r.getSpec());
  }

  /** A stamped Revision as the stamper sees it: number, template hash, creation time. */
  public static Revision revision(RevisionResource r) {
    io.fabric8.kubernetes.api.model.ObjectMeta m = r.getMetadata();
    Map<String, String> labels = m.getLabels() == null ? Map.of() : m.getLabels();
    return new Revision(
        new RevisionKey(m.getNamespace(), m.getName()),
        labels.get(KubernetesNames.CONFIGURATION_LABEL),
        labels.get(KubernetesNames.SERVICE_LABEL),
        generation(labels.get(KubernetesNames.CONFIGURATION_GENERATION_LABEL)),
        labels.getOrDefault(TEMPLATE_HASH_LABEL, ""),
        m.getAnnotations(),
        labels,
        r.getSpec(),
        created(r));
  }

  /** The object's creation time; the epoch when unknown. */
  public static Instant created(HasMetadata o) {
    String ts = o.getMetadata().getCreationTimestamp();
    if (ts == null) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(ts);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  private static long generation(String label) {
    if (label == null) {
      return 0;
    }
    try {
      return Long.parseLong(label);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
