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
import dev.pilotlight.api.model.TrafficTarget;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The controller's informers: its view of the cluster, which reconcilers read instead of the API
 * server. Custom resources are watched whole; Deployments, Services and pods only where they carry
 * {@code app.kubernetes.io/managed-by: pilotlight}. Indexes answer the reconcilers' joins: the
 * revisions of a configuration, the routes that name a revision or a configuration, the pods of a
 * revision.
 */
public final class Caches implements AutoCloseable {
  /** Revisions by {@code namespace/configuration}. */
  public static final String BY_CONFIGURATION = "byConfiguration";

  /** Routes by {@code namespace/revision} named in spec or status, and pods by their revision. */
  public static final String BY_REVISION = "byRevision";

  /** Routes by {@code namespace/configuration} named in spec. */
  public static final String ROUTES_BY_CONFIGURATION = "routesByConfiguration";

  final SharedIndexInformer<ServiceResource> services;
  final SharedIndexInformer<ConfigurationResource> configurations;
  final SharedIndexInformer<RevisionResource> revisions;
  final SharedIndexInformer<RouteResource> routes;
  final SharedIndexInformer<PodAutoscalerResource> podAutoscalers;
  final SharedIndexInformer<Deployment> deployments;
  final SharedIndexInformer<Service> endpointServices;
  final SharedIndexInformer<Pod> pods;
  private final List<SharedIndexInformer<?>> all = new ArrayList<>();

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

    revisions.addIndexers(Map.of(BY_CONFIGURATION, r -> labelKey(r, CONFIGURATION_LABEL)));
    routes.addIndexers(
        Map.of(
            BY_REVISION, Caches::revisionsNamed,
            ROUTES_BY_CONFIGURATION, Caches::configurationsNamed));
    pods.addIndexers(Map.of(BY_REVISION, p -> labelKey(p, REVISION_LABEL)));
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

  public ServiceResource service(ObjectKey key) {
    return get(services, key);
  }

  public ConfigurationResource configuration(String namespace, String name) {
    return get(configurations, namespace, name);
  }

  public RevisionResource revision(String namespace, String name) {
    return get(revisions, namespace, name);
  }

  public RouteResource route(String namespace, String name) {
    return get(routes, namespace, name);
  }

  public PodAutoscalerResource podAutoscaler(String namespace, String name) {
    return get(podAutoscalers, namespace, name);
  }

  public Deployment deployment(String namespace, String name) {
    return get(deployments, namespace, name);
  }

  public Service endpointsService(String namespace, String name) {
    return get(endpointServices, namespace, name);
  }

  public List<RevisionResource> revisionsOf(String namespace, String configuration) {
    return byIndex(revisions, BY_CONFIGURATION, namespace + "/" + configuration);
  }

  /** Routes naming the revision in their spec or status. */
  public List<RouteResource> routesNaming(String namespace, String revision) {
    return byIndex(routes, BY_REVISION, namespace + "/" + revision);
  }

  public List<RouteResource> routesOfConfiguration(String namespace, String configuration) {
    return byIndex(routes, ROUTES_BY_CONFIGURATION, namespace + "/" + configuration);
  }

  public List<Pod> podsOf(String namespace, String revision) {
    return byIndex(pods, BY_REVISION, namespace + "/" + revision);
  }

  // ---- index functions ----

  static List<String> labelKey(HasMetadata o, String label) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String v = labels == null ? null : labels.get(label);
    return v == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + v);
  }

  static List<String> revisionsNamed(RouteResource r) {
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

  static List<String> configurationsNamed(RouteResource r) {
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
  static List<TrafficStatus> routedTraffic(RouteResource r) {
    return r.getStatus() == null || r.getStatus().traffic() == null
        ? List.of()
        : r.getStatus().traffic();
  }
}
