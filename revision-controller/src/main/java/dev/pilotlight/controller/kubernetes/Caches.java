package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.api.kubernetes.KubernetesNames.CONFIGURATION_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The controller's informers: its view of the cluster ({@link ClusterReads}, {@link
 * ClusterEvents}), which reconcilers read instead of the API server. Custom resources are watched
 * whole; Deployments, Services and pods only where they carry {@code app.kubernetes.io/managed-by:
 * pilotlight}. Indexes answer the reconcilers' joins: the revisions of a configuration, the routes
 * that name a revision or a configuration, the pods of a revision.
 */
public final class Caches implements ClusterReads, ClusterEvents, AutoCloseable {
  /** Revisions by {@code namespace/configuration}. */
  public static final String BY_CONFIGURATION = ClusterIndexes.BY_CONFIGURATION;

  /** Routes by {@code namespace/revision} named in spec or status, and pods by their revision. */
  public static final String BY_REVISION = ClusterIndexes.BY_REVISION;

  /** Routes by {@code namespace/configuration} named in spec. */
  public static final String ROUTES_BY_CONFIGURATION = ClusterIndexes.ROUTES_BY_CONFIGURATION;

  final SharedIndexInformer<ServiceResource> services;
  final SharedIndexInformer<ConfigurationResource> configurations;
  final SharedIndexInformer<RevisionResource> revisions;
  final SharedIndexInformer<RouteResource> routes;
  final SharedIndexInformer<PodAutoscalerResource> podAutoscalers;
  final SharedIndexInformer<Deployment> deployments;
  final SharedIndexInformer<Service> endpointServices;
  final SharedIndexInformer<Pod> pods;
  private final List<SharedIndexInformer<?>> all = new ArrayList<>();
  private final Map<Class<?>, SharedIndexInformer<?>> byType = new HashMap<>();

  /**
   * @param namespace the namespace served, null for all
   * @param resync how often every object is handed to the handlers again (0 = never)
   */
  public Caches(KubernetesClient client, String namespace, Duration resync) {
    long resyncMillis = resync.toMillis();
    services =
        add(
            scope(client.resources(ServiceResource.class), namespace)
                .runnableInformer(resyncMillis));
    configurations =
        add(
            scope(client.resources(ConfigurationResource.class), namespace)
                .runnableInformer(resyncMillis));
    revisions =
        add(
            scope(client.resources(RevisionResource.class), namespace)
                .runnableInformer(resyncMillis));
    routes =
        add(scope(client.resources(RouteResource.class), namespace).runnableInformer(resyncMillis));
    podAutoscalers =
        add(
            scope(client.resources(PodAutoscalerResource.class), namespace)
                .runnableInformer(resyncMillis));
    deployments =
        add(managed(scope(client.apps().deployments(), namespace)).runnableInformer(resyncMillis));
    endpointServices =
        add(managed(scope(client.services(), namespace)).runnableInformer(resyncMillis));
    pods = add(managed(scope(client.pods(), namespace)).runnableInformer(resyncMillis));
    byType.put(ServiceResource.class, services);
    byType.put(ConfigurationResource.class, configurations);
    byType.put(RevisionResource.class, revisions);
    byType.put(RouteResource.class, routes);
    byType.put(PodAutoscalerResource.class, podAutoscalers);
    byType.put(Deployment.class, deployments);
    byType.put(Service.class, endpointServices);
    byType.put(Pod.class, pods);

    revisions.addIndexers(
        Map.of(BY_CONFIGURATION, r -> ClusterIndexes.labelKey(r, CONFIGURATION_LABEL)));
    routes.addIndexers(
        Map.of(
            BY_REVISION, ClusterIndexes::revisionsNamed,
            ROUTES_BY_CONFIGURATION, ClusterIndexes::configurationsNamed));
    pods.addIndexers(Map.of(BY_REVISION, p -> ClusterIndexes.labelKey(p, REVISION_LABEL)));
  }

  private static <T extends HasMetadata, L, R extends Resource<T>>
      FilterWatchListDeletable<T, L, R> scope(MixedOperation<T, L, R> op, String namespace) {
    return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
  }

  private static <T extends HasMetadata, L, R> Informable<T> managed(
      FilterWatchListDeletable<T, L, R> op) {
    return op.withLabel(MANAGED_BY_LABEL, MANAGED_BY);
  }

  private <T> SharedIndexInformer<T> add(SharedIndexInformer<T> informer) {
    all.add(informer);
    return informer;
  }

  /** Starts every informer; completes when all have listed their objects once. */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(
        all.stream().map(i -> i.start().toCompletableFuture()).toArray(CompletableFuture[]::new));
  }

  public boolean synced() {
    return all.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> i : all) {
      i.stop();
    }
  }

  // ---- reads ----

  static <T> T get(SharedIndexInformer<T> informer, String namespace, String name) {
    return informer.getStore().getByKey(namespace + "/" + name);
  }

  static <T> T get(SharedIndexInformer<T> informer, ObjectKey key) {
    return informer.getStore().getByKey(key.storeKey());
  }

  static <T> List<T> byIndex(SharedIndexInformer<T> informer, String index, String key) {
    return informer.getIndexer().byIndex(index, key);
  }

  @Override
  public ServiceResource service(ObjectKey key) {
    return get(services, key);
  }

  @Override
  public ConfigurationResource configuration(String namespace, String name) {
    return get(configurations, namespace, name);
  }

  @Override
  public RevisionResource revision(String namespace, String name) {
    return get(revisions, namespace, name);
  }

  @Override
  public RouteResource route(String namespace, String name) {
    return get(routes, namespace, name);
  }

  @Override
  public PodAutoscalerResource podAutoscaler(String namespace, String name) {
    return get(podAutoscalers, namespace, name);
  }

  @Override
  public Deployment deployment(String namespace, String name) {
    return get(deployments, namespace, name);
  }

  @Override
  public Service endpointsService(String namespace, String name) {
    return get(endpointServices, namespace, name);
  }

  @Override
  public List<RevisionResource> revisionsOf(String namespace, String configuration) {
    return byIndex(revisions, BY_CONFIGURATION, namespace + "/" + configuration);
  }

  /** Routes naming the revision in their spec or status. */
  @Override
  public List<RouteResource> routesNaming(String namespace, String revision) {
    return byIndex(routes, BY_REVISION, namespace + "/" + revision);
  }

  @Override
  public List<RouteResource> routesOfConfiguration(String namespace, String configuration) {
    return byIndex(routes, ROUTES_BY_CONFIGURATION, namespace + "/" + configuration);
  }

  @Override
  public List<Pod> podsOf(String namespace, String revision) {
    return byIndex(pods, BY_REVISION, namespace + "/" + revision);
  }

  @Override
  public <T extends HasMetadata> List<T> list(Class<T> type) {
    return informer(type).getStore().list();
  }

  /** Registers {@code handler} for every add, both sides of every update, and every delete. */
  @Override
  public <T extends HasMetadata> void onChange(Class<T> type, Consumer<T> handler) {
    informer(type)
        .addEventHandler(
            new ResourceEventHandler<T>() {
              @Override
              public void onAdd(T obj) {
                handler.accept(obj);
              }

              @Override
              public void onUpdate(T oldObj, T newObj) {
                handler.accept(oldObj);
                handler.accept(newObj);
              }

              @Override
              public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                handler.accept(obj);
              }
            });
  }

  @SuppressWarnings("unchecked")
  private <T> SharedIndexInformer<T> informer(Class<T> type) {
    SharedIndexInformer<?> informer = byType.get(type);
    if (informer == null) {
      throw new IllegalArgumentException("no informer for " + type.getName());
    }
    return (SharedIndexInformer<T>) informer;
  }

  /** The route's resolved traffic, empty when it has none yet ({@link ClusterIndexes}). */
  static List<TrafficStatus> routedTraffic(RouteResource r) {
    return ClusterIndexes.routedTraffic(r);
  }
}
