package dev.pilotlight.activator.feed;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.objects.InformerSource;
import dev.pilotlight.api.objects.ObjectHandler;
import dev.pilotlight.api.objects.ObjectSource;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the gateway from Routes, Revisions and the EndpointSlices of revisions' headless Services,
 * whoever holds them: informers on a cluster ({@link #kubernetes}), local mode's object store
 * otherwise. Every change recomputes what it affects with the pure mappings ({@link
 * RouteStatusMapping}, {@link EndpointSliceMapping}) from the sources' caches and publishes it to
 * the gateway's listeners when it differs from what was last published.
 *
 * <p>Source handlers only enqueue (a revision key, or "routes"), coalescing repeats; all
 * recomputing and publishing happens on one thread, in order, so the listeners see one writer and
 * the sources' threads never wait on the gateway. Level-triggered: an EndpointSlice seen before its
 * Revision is picked up when the Revision arrives; a deleted Revision is removed from the gateway
 * (its held requests fail) whatever its slices still say.
 *
 * <p>EndpointSlices are the revisions' when they carry the {@link KubernetesNames#REVISION_LABEL}
 * label (Kubernetes copies it from the revision's Service onto its slices; the slices source should
 * select on it), then matched on {@link KubernetesNames#ENDPOINT_SLICE_SERVICE_LABEL}.
 */
public final class GatewayFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayFeed.class);
  private static final String BY_REVISION = "revision";

  private final String domain;
  private final RouteTableListener routeListener;
  private final EndpointsListener endpointsListener;
  private final ObjectSource<RouteResource> routes;
  private final ObjectSource<RevisionResource> revisions;
  private final ObjectSource<EndpointSlice> slices;
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "pilotlight-gateway-feed");
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
   * A feed over three sources, not started, which it owns from now on: {@link #start} starts them,
   * {@link #close} closes them. Adds an index and a handler to each.
   *
   * @param slices the EndpointSlices of revisions' headless Services (those with the revision
   *     label); others are ignored
   * @param domain the domain of route hosts, {@code <route>.<namespace>.<domain>}
   */
  public GatewayFeed(
      ObjectSource<RouteResource> routes,
      ObjectSource<RevisionResource> revisions,
      ObjectSource<EndpointSlice> slices,
      String domain,
      RouteTableListener routeListener,
      EndpointsListener endpointsListener) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.revisions = Objects.requireNonNull(revisions, "revisions");
    this.slices = Objects.requireNonNull(slices, "slices");
    this.domain = Objects.requireNonNull(domain, "domain");
    this.routeListener = Objects.requireNonNull(routeListener, "routeListener");
    this.endpointsListener = Objects.requireNonNull(endpointsListener, "endpointsListener");
    slices.addIndex(BY_REVISION, GatewayFeed::revisionIndex);
    routes.addHandler(handler(r -> routesChanged()));
    revisions.addHandler(handler(r -> revisionChanged(revisionKey(r))));
    slices.addHandler(handler(s -> revisionChanged(sliceRevision(s))));
  }

  /**
   * Kubernetes mode: informers on Routes, Revisions and the EndpointSlices labelled with {@link
   * KubernetesNames#REVISION_LABEL}.
   *
   * @param namespace the one namespace to serve, or null for all
   * @param domain the domain of route hosts, {@code <route>.<namespace>.<domain>}
   */
  public static GatewayFeed kubernetes(
      KubernetesClient client,
      String namespace,
      String domain,
      RouteTableListener routeListener,
      EndpointsListener endpointsListener) {
    return new GatewayFeed(
        new InformerSource<>(
            scoped(client.resources(RouteResource.class), namespace).runnableInformer(0)),
        new InformerSource<>(
            scoped(client.resources(RevisionResource.class), namespace).runnableInformer(0)),
        new InformerSource<>(
            scoped(client.discovery().v1().endpointSlices(), namespace)
                .withLabel(KubernetesNames.REVISION_LABEL)
                .runnableInformer(0)),
        domain,
        routeListener,
        endpointsListener);
  }

  private static <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
      FilterWatchListDeletable<T, L, R> scoped(MixedOperation<T, L, R> op, String namespace) {
    return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
  }

  /**
   * Starts the sources; the future completes once all three have listed their objects and the
   * gateway has been given the resulting route table and endpoints, and fails when a source cannot
   * start (say, the CRDs are not installed or RBAC forbids the list).
   */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(routes.start(), revisions.start(), slices.start())
        .thenRunAsync(this::publishAll, events)
        .thenRun(() -> synced = true);
  }

  /** Whether the sources have synced and the gateway has their state. */
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

  private static <T extends HasMetadata> ObjectHandler<T> handler(Consumer<T> changed) {
    return new ObjectHandler<>() {
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
      public void onDelete(T obj) {
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
    } catch (RejectedExecutionException e) {
      // closing: nothing to publish to any more
    }
  }

  private void publishAll() {
    publishRoutes();
    for (RevisionResource r : revisions.list()) {
      publishRevision(revisionKey(r));
    }
  }

  private void publishRoutes() {
    RouteTable table = RouteStatusMapping.routeTable(routes.list(), domain);
    if (!table.equals(publishedTable)) {
      publishedTable = table;
      routeListener.onRouteTable(table);
    }
  }

  private void publishRevision(RevisionKey key) {
    RevisionResource revision = revisions.get(key.namespace(), key.name());
    if (revision == null) {
      if (published.remove(key) != null) {
        endpointsListener.onRevisionRemoved(key);
      }
      return;
    }
    List<EndpointSlice> its = slices.byIndex(BY_REVISION, indexKey(key));
    RevisionEndpoints endpoints = EndpointSliceMapping.revisionEndpoints(revision, its);
    if (!endpoints.equals(published.put(key, endpoints))) {
      endpointsListener.onEndpoints(endpoints);
    }
  }

  private static RevisionKey revisionKey(RevisionResource r) {
    return EndpointSliceMapping.key(r);
  }

  private static RevisionKey sliceRevision(EndpointSlice s) {
    Map<String, String> labels = s.getMetadata().getLabels();
    String revision = labels == null ? null : labels.get(KubernetesNames.REVISION_LABEL);
    return revision == null ? null : new RevisionKey(s.getMetadata().getNamespace(), revision);
  }

  private static List<String> revisionIndex(EndpointSlice s) {
    RevisionKey key = sliceRevision(s);
    return key == null ? List.of() : List.of(indexKey(key));
  }

  /** The slices index's key of a revision: {@code namespace/name}. */
  private static String indexKey(RevisionKey key) {
    return key.namespace() + "/" + key.name();
  }
}
