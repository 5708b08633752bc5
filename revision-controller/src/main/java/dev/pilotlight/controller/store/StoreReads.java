package dev.pilotlight.controller.store;

import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.controller.kubernetes.ClusterEvents;
import dev.pilotlight.controller.kubernetes.ClusterIndexes;
import dev.pilotlight.controller.kubernetes.ClusterReads;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link ClusterReads} and {@link ClusterEvents} over an {@link ObjectStore}: the controller's view
 * as the informers give it on a cluster, with the same joins ({@link ClusterIndexes}, added to the
 * store here) and the same filter (Deployments, Services and pods only where managed by Pilotlight,
 * in reads and in events). Each object read is a copy.
 */
public final class StoreReads implements ClusterReads, ClusterEvents {
  private static final Set<Class<?>> MANAGED_ONLY =
      Set.of(Deployment.class, Service.class, Pod.class);

  private final ObjectStore store;

  /** Adds the joins' indexes to {@code store}; make one per store. */
  public StoreReads(ObjectStore store) {
    this.store = store;
    store.addIndex(
        RevisionResource.class,
        ClusterIndexes.BY_CONFIGURATION,
        r -> ClusterIndexes.labelKey(r, CONFIGURATION_LABEL));
    store.addIndex(RouteResource.class, ClusterIndexes.BY_REVISION, ClusterIndexes::revisionsNamed);
    store.addIndex(
        RouteResource.class,
        ClusterIndexes.ROUTES_BY_CONFIGURATION,
        ClusterIndexes::configurationsNamed);
    store.addIndex(
        Pod.class, ClusterIndexes.BY_REVISION, p -> ClusterIndexes.labelKey(p, REVISION_LABEL));
  }

  @Override
  public ServiceResource service(ObjectKey key) {
    return store.get(ServiceResource.class, key);
  }

  @Override
  public ConfigurationResource configuration(String namespace, String name) {
    return store.get(ConfigurationResource.class, new ObjectKey(namespace, name));
  }

  @Override
  public RevisionResource revision(String namespace, String name) {
    return store.get(RevisionResource.class, new ObjectKey(namespace, name));
  }

  @Override
  public RouteResource route(String namespace, String name) {
    return store.get(RouteResource.class, new ObjectKey(namespace, name));
  }

  @Override
  public PodAutoscalerResource podAutoscaler(String namespace, String name) {
    return store.get(PodAutoscalerResource.class, new ObjectKey(namespace, name));
  }

  @Override
  public Deployment deployment(String namespace, String name) {
    return managed(store.get(Deployment.class, new ObjectKey(namespace, name)));
  }

  @Override
  public Service endpointsService(String namespace, String name) {
    return managed(store.get(Service.class, new ObjectKey(namespace, name)));
  }

  @Override
  public List<RevisionResource> revisionsOf(String namespace, String configuration) {
    return store.byIndex(
        RevisionResource.class, ClusterIndexes.BY_CONFIGURATION, namespace + "/" + configuration);
  }

  @Override
  public List<RouteResource> routesNaming(String namespace, String revision) {
    return store.byIndex(
        RouteResource.class, ClusterIndexes.BY_REVISION, namespace + "/" + revision);
  }

  @Override
  public List<RouteResource> routesOfConfiguration(String namespace, String configuration) {
    return store.byIndex(
        RouteResource.class,
        ClusterIndexes.ROUTES_BY_CONFIGURATION,
        namespace + "/" + configuration);
  }

  @Override
  public List<Pod> podsOf(String namespace, String revision) {
    return store.byIndex(Pod.class, ClusterIndexes.BY_REVISION, namespace + "/" + revision).stream()
        .filter(StoreReads::isManaged)
        .toList();
  }

  @Override
  public <T extends HasMetadata> List<T> list(Class<T> type) {
    return MANAGED_ONLY.contains(type)
        ? store.list(type, null, Map.of(MANAGED_BY_LABEL, MANAGED_BY))
        : store.list(type);
  }

  @Override
  public <T extends HasMetadata> void onChange(Class<T> type, Consumer<T> handler) {
    if (!MANAGED_ONLY.contains(type)) {
      store.onChange(type, handler);
      return;
    }
    store.onChange(
        type,
        o -> {
          if (isManaged(o)) {
            handler.accept(o);
          }
        });
  }

  private static <T extends HasMetadata> T managed(T o) {
    return o != null && isManaged(o) ? o : null;
  }

  private static boolean isManaged(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels != null && MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL));
  }
}
