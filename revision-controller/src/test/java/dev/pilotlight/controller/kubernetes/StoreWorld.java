package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.controller.store.StoreReads;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The reconcilers over an {@link ObjectStore} in one namespace, with manual time and a record of
 * every write: what Knative's table tests have (objects in, writes and status out), no server. The
 * test plays the rest of the cluster (the Deployment controller's ready replicas, the autoscaler's
 * desired scale).
 */
final class StoreWorld implements AutoCloseable {
  static final String NS = "default";
  static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  /** A wall clock that moves only when told. */
  static final class ManualClock extends Clock {
    private Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** {@link ClusterWrites} that records each write as {@code verb Kind namespace/name}. */
  static final class RecordingWrites implements ClusterWrites {
    private final ClusterWrites delegate;
    final List<String> writes = new ArrayList<>();

    /** Runs before each update reaches the store: another writer racing the reconciler. */
    Consumer<HasMetadata> beforeUpdate = o -> {};

    RecordingWrites(ClusterWrites delegate) {
      this.delegate = delegate;
    }

    static String kind(Class<?> type) {
      return type == ServiceResource.class
          ? "KService"
          : type.getSimpleName().replaceFirst("Resource$", "");
    }

    private void record(String verb, Class<?> type, ObjectKey key) {
      writes.add(verb + " " + kind(type) + " " + key);
    }

    @Override
    public <T extends HasMetadata> T create(T object) {
      record("create", object.getClass(), ObjectKey.of(object));
      return delegate.create(object);
    }

    @Override
    public <T extends HasMetadata> T update(T object) {
      record("update", object.getClass(), ObjectKey.of(object));
      beforeUpdate.accept(object);
      return delegate.update(object);
    }

    @Override
    public <T extends HasMetadata> void replaceStatus(Class<T> type, ObjectKey key, Object status) {
      record("status", type, key);
      delegate.replaceStatus(type, key, status);
    }

    @Override
    public <T extends HasMetadata> void mergeStatusFields(
        Class<T> type, ObjectKey key, Map<String, Object> fields) {
      record("mergeStatus", type, key);
      delegate.mergeStatusFields(type, key, fields);
    }

    @Override
    public <T extends HasMetadata> void replaceStatusFields(
        Class<T> type, ObjectKey key, Map<String, Object> fields) {
      record("replaceStatusFields", type, key);
      delegate.replaceStatusFields(type, key, fields);
    }

    @Override
    public <T extends HasMetadata> void patchMetadata(
        Class<T> type, ObjectKey key, Map<String, String> labels, Map<String, String> annotations) {
      record("patchMetadata", type, key);
      delegate.patchMetadata(type, key, labels, annotations);
    }

    @Override
    public <T extends HasMetadata> void delete(Class<T> type, ObjectKey key) {
      record("delete", type, key);
      delegate.delete(type, key);
    }
  }

  final ManualClock clock = new ManualClock(START);
  final ArrayDeque<Runnable> events = new ArrayDeque<>();
  final ObjectStore store;
  final StoreReads reads;
  final RecordingWrites writes;
  final ServiceReconciler services;
  final ConfigurationReconciler configurations;
  private final ConfigurationReconciler settling;
  final RevisionReconciler revisions;
  final RouteReconciler routes;

  StoreWorld() {
    this(GcConfig.DEFAULTS);
  }

  /**
   * @param gc garbage collection of the configuration reconcile under test ({@link #settle()}
   *     collects with the defaults, which keep 20)
   */
  StoreWorld(GcConfig gc) {
    AtomicInteger uids = new AtomicInteger();
    store =
        ObjectStore.open(
            StoreOptions.inMemory()
                .withClock(clock)
                .withUids(() -> String.format("uid-%04d", uids.incrementAndGet()))
                .withEvents(events::add));
    reads = new StoreReads(store);
    writes = new RecordingWrites(store);
    Validator validator =
        new Validator(
            () -> AutoscalerConfig.DEFAULTS,
            Features.DEFAULTS,
            ServingDefaults.DEFAULTS,
            Validator.Mode.KUBERNETES);
    services = new ServiceReconciler(reads, writes, validator, clock);
    configurations = new ConfigurationReconciler(reads, writes, validator, gc, clock);
    settling = new ConfigurationReconciler(reads, writes, validator, GcConfig.DEFAULTS, clock);
    revisions =
        new RevisionReconciler(
            reads, writes, clock, () -> AutoscalerConfig.DEFAULTS, () -> ServingDefaults.DEFAULTS);
    routes = new RouteReconciler(reads, writes, validator, "example.com", clock);
  }

  // ---- objects in ----

  /** As {@code kubectl apply}: creates the Service, or replaces its spec. */
  ServiceResource apply(String yaml) {
    ServiceResource s = Serialization.unmarshal(yaml, ServiceResource.class);
    s.getMetadata().setNamespace(NS);
    ServiceResource existing = service(s.getMetadata().getName());
    if (existing == null) {
      return store.create(s);
    }
    existing.setSpec(s.getSpec());
    return store.update(existing);
  }

  /**
   * Runs every reconciler over every object until a whole pass writes nothing (what the controller
   * does between events), then forgets the writes: the state a row starts from.
   */
  StoreWorld settle() {
    for (int pass = 0; pass < 20; pass++) {
      int before = writes.writes.size();
      reconcileAll(ServiceResource.class, services);
      reconcileAll(ConfigurationResource.class, settling);
      reconcileAll(RevisionResource.class, revisions);
      reconcileAll(RouteResource.class, routes);
      if (writes.writes.size() == before) {
        writes.writes.clear();
        return this;
      }
    }
    throw new AssertionError("no steady state after 20 passes: " + writes.writes);
  }

  private <T extends HasMetadata> void reconcileAll(Class<T> type, Reconciler<ObjectKey> r) {
    for (T o : store.list(type)) {
      try {
        r.reconcile(ObjectKey.of(o));
      } catch (Exception e) {
        throw new AssertionError("reconcile of " + ObjectKey.of(o) + " failed", e);
      }
    }
  }

  /** What the Deployment controller and kubelet would do: every wanted replica ready. */
  StoreWorld deploymentReady(String deployment) {
    Deployment d = store.get(Deployment.class, key(deployment));
    int replicas = d.getSpec().getReplicas();
    store.replaceStatus(
        Deployment.class,
        key(deployment),
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .build());
    return this;
  }

  StoreWorld standardReady(String revision) {
    return deploymentReady(KubernetesNames.deployment(revision));
  }

  StoreWorld reserveReady(String revision) {
    return deploymentReady(KubernetesNames.reserveDeployment(revision));
  }

  /** What the autoscaler would write. */
  StoreWorld desiredScale(String revision, int scale) {
    store.mergeStatusFields(
        PodAutoscalerResource.class, key(revision), Map.of("desiredScale", scale));
    return this;
  }

  // ---- the reconcile under test ----

  /** Reconciles one key of {@code kind} and returns the writes it made. */
  List<String> reconcile(String kind, String name) throws Exception {
    writes.writes.clear();
    Reconciler<ObjectKey> r =
        switch (kind) {
          case "service" -> services;
          case "configuration" -> configurations;
          case "revision" -> revisions;
          case "route" -> routes;
          default -> throw new IllegalArgumentException(kind);
        };
    r.reconcile(key(name));
    return List.copyOf(writes.writes);
  }

  // ---- objects out ----

  static ObjectKey key(String name) {
    return new ObjectKey(NS, name);
  }

  ServiceResource service(String name) {
    return store.get(ServiceResource.class, key(name));
  }

  ConfigurationResource configuration(String name) {
    return store.get(ConfigurationResource.class, key(name));
  }

  RevisionResource revision(String name) {
    return store.get(RevisionResource.class, key(name));
  }

  RouteResource route(String name) {
    return store.get(RouteResource.class, key(name));
  }

  PodAutoscalerResource podAutoscaler(String revision) {
    return store.get(PodAutoscalerResource.class, key(revision));
  }

  Deployment deployment(String revision) {
    return store.get(Deployment.class, key(KubernetesNames.deployment(revision)));
  }

  Deployment reserveDeployment(String revision) {
    return store.get(Deployment.class, key(KubernetesNames.reserveDeployment(revision)));
  }

  Service endpointsService(String revision) {
    return store.get(Service.class, key(KubernetesNames.endpointsService(revision)));
  }

  List<String> revisionNames() {
    return store.list(RevisionResource.class).stream().map(r -> r.getMetadata().getName()).toList();
  }

  @Override
  public void close() {
    store.close();
  }
}
