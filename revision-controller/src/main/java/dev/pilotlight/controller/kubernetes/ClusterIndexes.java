package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.model.TrafficTarget;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index functions behind {@link ClusterReads}' joins, shared by every implementation so the
 * informers and the object store answer them alike. Each maps an object to {@code namespace/name}
 * keys.
 */
public final class ClusterIndexes {
  /** Revisions by {@code namespace/configuration}. */
  public static final String BY_CONFIGURATION = "byConfiguration";

  /** Routes by {@code namespace/revision} named in spec or status, and pods by their revision. */
  public static final String BY_REVISION = "byRevision";

  /** Routes by {@code namespace/configuration} named in spec. */
  public static final String ROUTES_BY_CONFIGURATION = "routesByConfiguration";

  private ClusterIndexes() {}

  /** {@code namespace/<label value>}, none when the label is absent. */
  public static List<String> labelKey(HasMetadata o, String label) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String v = labels == null ? null : labels.get(label);
    return v == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + v);
  }

  /** The revisions a route names in its spec or its resolved traffic. */
  public static List<String> revisionsNamed(RouteResource r) {
    Set<String> names = new LinkedHashSet<>();
    String ns = r.getMetadata().getNamespace();
    if (r.getSpec() != null) {
      for (TrafficTarget t : r.getSpec().traffic()) {
        if (t.revisionName() != null) {
          names.add(ns + "/" + t.revisionName());
        }
      }
    }
    for (TrafficStatus t : routedTraffic(r)) {
      if (t.revisionName() != null) {
        names.add(ns + "/" + t.revisionName());
      }
    }
    return List.copyOf(names);
  }

  /** The configurations a route names in its spec. */
  public static List<String> configurationsNamed(RouteResource r) {
    Set<String> names = new LinkedHashSet<>();
    if (r.getSpec() != null) {
      for (TrafficTarget t : r.getSpec().traffic()) {
        if (t.configurationName() != null) {
          names.add(r.getMetadata().getNamespace() + "/" + t.configurationName());
        }
      }
    }
    return List.copyOf(names);
  }

  /** The route's resolved traffic, empty when it has none yet. */
  public static List<TrafficStatus> routedTraffic(RouteResource r) {
    return r.getStatus() == null || r.getStatus().traffic() == null
        ? List.of()
        : r.getStatus().traffic();
  }
}
