package dev.pilotlight.activator.kubernetes;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTableListener;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the gateway from the Kubernetes API: informers on Routes, Revisions and the EndpointSlices
 * of revisions' headless Services; every change recomputes what it affects with the pure mappings
 * ({@link RouteStatusMapping}, {@link EndpointSliceMapping}) from the informer caches and publishes
 * it to the gateway's listeners when it differs from what was last published.
 *
 * <p>Informer handlers only enqueue (a revision key, or "routes"), coalescing repeats; all
 * recomputing and publishing happens on one thread, in order, so the listeners see one writer and
 * the informers' threads never wait on the gateway. Level-triggered: an EndpointSlice seen before
 * its Revision is picked up when the Revision arrives; a deleted Revision is removed from the
 * gateway (its held requests fail) whatever its slices still say.
 *
 * <p>EndpointSlices are selected by the {@link KubernetesNames#REVISION_LABEL} label, which
 * Kubernetes copies from the revision's Service onto its slices, then matched on {@link
 * KubernetesNames#ENDPOINT_SLICE_SERVICE_LABEL}.
 */
public final class KubernetesFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesFeed.class);
  private static final String BY_REVISION = "revision";

  private final String domain;
  private final RouteTableListener routeListener;
  private final EndpointsListener endpointsListener;
  private final SharedIndexInformer<RouteResource> routes;
  private final SharedIndexInformer<RevisionResource> revisions;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "pilotlight-kubernetes-feed");
            t.setDaemon(true);
            return t;
          });
  private final Set<RevisionKey> pendingRevisions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean pendingRoutes = new AtomicBoolean();
  private volatile boolean synced;

  // only touched on the events thread
  private final Map<RevisionKey, RevisionEndpoints> published = new HashMap<>();
  private RouteTable publishedTable;

  /**
   * @param namespace the one namespace to serve, or null for all
   * @param domain the domain of route hosts, {@code <route>.<namespace>.<domain>}
   */
  public KubernetesFeed(
      KubernetesClient client,
      String namespace,
      String domain,
      RouteTableListener routeListener,
      EndpointsListener endpointsListener) {
    this.domain = domain;
    this.routeListener = routeListener;
    this.endpointsListener = endpointsListener;
    this.routes = scoped(client.resources(RouteResource.class), namespace).runnableInformer(0);
    this.revisions =
        scoped(client.resources(RevisionResource.class), namespace).runnableInformer(0);
    this.slices =
        scoped(client.discovery().v1().endpointSlices(), namespace)
            .withLabel(KubernetesNames.REVISION_LABEL)
            .runnableInformer(0);
    slices.addIndexers(Map.of(BY_REVISION, KubernetesFeed::revisionIndex));
    routes.addEventHandler(handler(r -> routesChanged()));
    revisions.addEventHandler(handler(r -> revisionChanged(revisionKey(r))));
    slices.addEventHandler(handler(s -> revisionChanged(sliceRevision(s))));
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
      FilterWatchListDeletable<T, L, R> scoped(MixedOperation<T, L, R> op, String namespace) {
    return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
  }

  /**
   * Starts the informers; the future completes once all three have listed their resources and the
   * gateway has been given the resulting route table and endpoints, and fails when an informer
   * cannot start (say, the CRDs are not installed or RBAC forbids the list).
   */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(
            routes.start().toCompletableFuture(),
            revisions.start().toCompletableFuture(),
            slices.start().toCompletableFuture())
        .thenRunAsync(this::publishAll, events)
        .thenRun(() -> synced = true);
  }

  /** Whether the caches have synced and the gateway has their state. */
  public boolean synced() {
    return synced;
  }

  @Override
  public void close() {
    routes.close();
    revisions.close();
    slices.close();
    events.shutdownNow();
    try {
      events.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> changed) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        changed.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed.accept(oldObj); // a slice may have moved to another revision's label
        changed.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        changed.accept(obj);
      }
    };
  }

  private void routesChanged() {
    if (pendingRoutes.compareAndSet(false, true)) {
      submit(
          () -> {
            pendingRoutes.set(false);
            publishRoutes();
          });
    }
  }

  private void revisionChanged(RevisionKey key) {
    if (key != null && pendingRevisions.add(key)) {
      submit(
          () -> {
            pendingRevisions.remove(key);
            publishRevision(key);
          });
    }
  }

  private void submit(Runnable task) {
    try {
      events.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.warn("cannot publish a change to the gateway", e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: nothing to publish to any more
    }
  }

  private void publishAll() {
    publishRoutes();
    for (RevisionResource r : revisions.getStore().list()) {
      publishRevision(revisionKey(r));
    }
  }

  private void publishRoutes() {
    RouteTable table = RouteStatusMapping.routeTable(routes.getStore().list(), domain);
    if (!table.equals(publishedTable)) {
      publishedTable = table;
      routeListener.onRouteTable(table);
    }
  }

  private void publishRevision(RevisionKey key) {
    RevisionResource revision = revisions.getStore().getByKey(storeKey(key));
    if (revision == null) {
      if (published.remove(key) != null) {
        endpointsListener.onRevisionRemoved(key);
      }
      return;
    }
    List<EndpointSlice> its = slices.getIndexer().byIndex(BY_REVISION, storeKey(key));
    RevisionEndpoints endpoints = EndpointSliceMapping.revisionEndpoints(revision, its);
    if (!endpoints.equals(published.put(key, endpoints))) {
      endpointsListener.onEndpoints(endpoints);
    }
  }

  private static RevisionKey revisionKey(RevisionResource r) {
    return EndpointSliceMapping.key(r);
  }

  private static RevisionKey sliceRevision(EndpointSlice s) {
    String revision = s.getMetadata().getLabels().get(KubernetesNames.REVISION_LABEL);
    return revision == null ? null : new RevisionKey(s.getMetadata().getNamespace(), revision);
  }

  private static List<String> revisionIndex(EndpointSlice s) {
    RevisionKey key = sliceRevision(s);
    return key == null ? List.of() : List.of(storeKey(key));
  }

  /** The informer store's key: {@code namespace/name}. */
  private static String storeKey(RevisionKey key) {
    return key.namespace() + "/" + key.name();
  }
}
