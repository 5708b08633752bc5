package dev.pilotlight.controller.node;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.InstanceLoad;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.kubernetes.desired.Models;
import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreHandler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's node agent: the kubelet and the EndpointSlice controller of the one local node. It
 * realizes every Deployment managed by Pilotlight in the {@link ObjectStore} through a {@link
 * WorkloadRuntime}, and writes back what runs, so that the same reconcilers, gateway feed and
 * status as on a cluster work over the store:
 *
 * <ul>
 *   <li>a revision's standard Deployment → {@link WorkloadRuntime#apply} with its replicas; its
 *       reserve Deployment → {@link WorkloadRuntime#applyReserve}; the Revision gone, or both its
 *       Deployments → {@link WorkloadRuntime#delete}. A revision the runtime refuses gets a
 *       ReplicaFailure (FailedCreate) condition, and is tried again when the Revision or a
 *       Deployment changes.
 *   <li>per instance a Pod {@code <deployment>-<instance>} with the template's labels, owned by the
 *       Deployment, its status as the kubelet's; per instance with an address an EndpointSlice
 *       {@code <service>-<instance>} under the headless Service (owned by it when it exists); the
 *       Deployments' status.
 *   <li>the reserve drains as Knative's queue-proxy does on SIGTERM ({@link ReserveDrain}): scaled
 *       to 0, its endpoint turns terminating and its Pod gets a deletionTimestamp, and it is
 *       stopped once the gateway counts no request in flight to it, or the revision's timeout has
 *       passed.
 * </ul>
 *
 * <p>Level-triggered and single-threaded: every change of a Revision, a Deployment, a headless
 * Service or a revision's instances marks the revision's key, and the agent's loop reconciles each
 * marked key once per burst, from what the store and the runtime say now. Slices are written first:
 * a starting instance's address reaches the gateway (which probes it and releases held requests)
 * before its Pod and the Deployment's status. It writes only what changed; a failed write (a
 * conflict) is retried on the loop with a bounded backoff.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

  /** The first retry of a failed reconcile; doubled per failure up to {@link #MAX_BACKOFF}. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(50);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /** How often a revision with stopping instances is looked at again. */
  static final Duration TERMINATING_RECHECK = Duration.ofSeconds(1);

  /** Reconciles of one burst before the loop yields to other tasks. */
  private static final int MAX_PASSES = 100;

  private final ObjectStore store;
  private final WorkloadRuntime runtime;
  private final InstanceLoad load;
  private final Clock clock;
  private final ScheduledExecutorService loop;

  private final Set<RevisionKey> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final List<AutoCloseable> watches = new ArrayList<>();
  private volatile boolean closed;

  // Confined to the loop.
  private boolean draining;
  private final Map<RevisionKey, Realized> realized = new HashMap<>();
  private final Map<RevisionKey, ScheduledFuture<?>> timers = new HashMap<>();
  private final Map<RevisionKey, Integer> failures = new HashMap<>();

  /** What the agent has told the runtime of one revision. */
  private static final class Realized {
    Integer standard;
    String refusal;
    String refusedInputs;
    boolean reserveRunning;
    String reserveRefusal;
    String reserveRefusedInputs;
    Instant drainStarted;
  }

  /**
   * @param store where the Deployments, Revisions and headless Services are read, and the Pods,
   *     EndpointSlices and Deployment status written
   * @param runtime runs the instances; closed by its owner, not by the agent
   * @param load requests in flight per instance as the gateway counts them, for the reserve's drain
   * @param clock times of conditions, drains and progress deadlines
   * @param loop the agent's own single thread: every reconcile and timer runs on it. Not shared
   *     with the runtime's scheduler, and not one that runs tasks on the caller's thread (the
   *     runtime tells of changes under its lock): tests use a manual one with a recording runtime
   */
  public NodeAgent(
      ObjectStore store,
      WorkloadRuntime runtime,
      InstanceLoad load,
      Clock clock,
      ScheduledExecutorService loop) {
    this.store = Objects.requireNonNull(store, "store");
    this.runtime = Objects.requireNonNull(runtime, "runtime");
    this.load = Objects.requireNonNull(load, "load");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  /**
   * Listens to the runtime and watches the store; every Deployment already there is realized (the
   * watches deliver existing objects first). Call once.
   */
  public void start() {
    runtime.setListener(set -> enqueue(set.revision()));
    // not on status writes: the agent writes the Deployments', the reconcilers the Revisions'
    watches.add(
        store.watch(
            Deployment.class,
            handler(NodeAgent::revisionOf, (b, a) -> changed(b, a, m -> m.getLabels()))));
    watches.add(
        store.watch(
            RevisionResource.class,
            handler(
                r -> new RevisionKey(r.getMetadata().getNamespace(), r.getMetadata().getName()),
                (b, a) -> changed(b, a, m -> m.getAnnotations()))));
    // a headless Service's coming or going: it owns the slices
    watches.add(store.watch(Service.class, handler(NodeAgent::revisionOf, (b, a) -> false)));
  }

  /** Whether the spec (its generation) or the metadata field {@code field} changed. */
  private static boolean changed(
      HasMetadata before, HasMetadata after, Function<ObjectMeta, Object> field) {
    return !Objects.equals(
            before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
        || !Objects.equals(field.apply(before.getMetadata()), field.apply(after.getMetadata()));
  }

  /** Stops watching and reconciling; the runtime and the objects written stay. */
  @Override
  public void close() {
    closed = true;
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        // a cancelled watch cannot fail
      }
    }
    watches.clear();
    try {
      loop.execute(
          () -> {
            timers.values().forEach(f -> f.cancel(false));
            timers.clear();
          });
    } catch (RejectedExecutionException e) {
      // the loop has stopped
    }
  }

  // ---- events ----

  private interface Relevant<T> {
    boolean test(T before, T after);
  }

  private <T extends HasMetadata> StoreHandler<T> handler(
      Function<T, RevisionKey> keyOf, Relevant<T> updateMatters) {
    return new StoreHandler<>() {
      @Override
      public void onAdd(T object) {
        mark(keyOf.apply(object));
      }

      @Override
      public void onUpdate(T before, T after) {
        if (updateMatters.test(before, after)) {
          mark(keyOf.apply(before));
          mark(keyOf.apply(after));
        }
      }

      @Override
      public void onDelete(T object) {
        mark(keyOf.apply(object));
      }
    };
  }

  private void mark(RevisionKey key) {
    if (key != null) {
      enqueue(key);
    }
  }

  /** The revision of a child managed by Pilotlight, else null. */
  static RevisionKey revisionOf(HasMetadata child) {
    Map<String, String> labels = child.getMetadata().getLabels();
    if (labels == null
        || !KubernetesNames.MANAGED_BY.equals(labels.get(KubernetesNames.MANAGED_BY_LABEL))
        || labels.get(KubernetesNames.REVISION_LABEL) == null) {
      return null;
    }
    return new RevisionKey(
        child.getMetadata().getNamespace(), labels.get(KubernetesNames.REVISION_LABEL));
  }

  /** Marks a revision for the loop; bursts coalesce into one reconcile per key. */
  private void enqueue(RevisionKey key) {
    if (closed) {
      return;
    }
    dirty.add(key);
    if (scheduled.compareAndSet(false, true)) {
      try {
        loop.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // the loop has stopped
      }
    }
  }

  /** Reconciles the marked keys until none is left (on the loop; re-entry only marks). */
  private void drain() {
    if (draining) {
      return; // a write's event delivered inline: the outer pass picks the key up
    }
    draining = true;
    try {
      for (int pass = 0; pass < MAX_PASSES && !closed; pass++) {
        scheduled.set(false);
        if (dirty.isEmpty()) {
          return;
        }
        for (RevisionKey key : List.copyOf(dirty)) {
          dirty.remove(key);
          reconcileSafely(key);
        }
      }
      if (!dirty.isEmpty() && !closed && scheduled.compareAndSet(false, true)) {
        loop.execute(this::drain); // others' tasks first, then the rest
      }
    } catch (RejectedExecutionException e) {
      scheduled.set(false);
    } finally {
      draining = false;
    }
  }

  private void reconcileSafely(RevisionKey key) {
    try {
      reconcile(key);
      failures.remove(key);
    } catch (KubernetesClientException e) {
      retry(key, e);
    } catch (RuntimeException e) {
      LOG.warn("node agent: revision {}: {}", key, e.toString(), e);
      retry(key, e);
    }
  }

  private void retry(RevisionKey key, RuntimeException e) {
    int n = failures.merge(key, 1, Integer::sum);
    long nanos = FIRST_BACKOFF.toNanos() << Math.min(n - 1, 16);
    Duration delay = Duration.ofNanos(Math.min(nanos, MAX_BACKOFF.toNanos()));
    LOG.debug("node agent: revision {}: {}; again in {} ms", key, e.getMessage(), delay.toMillis());
    wake(key, delay);
  }

  /** Reconciles {@code key} again after {@code delay}, unless a wake-up is due sooner. */
  private void wake(RevisionKey key, Duration delay) {
    ScheduledFuture<?> pending = timers.get(key);
    if (pending != null && !pending.isDone()) {
      if (pending.getDelay(TimeUnit.NANOSECONDS) <= delay.toNanos()) {
        return;
      }
      pending.cancel(false);
    }
    try {
      timers.put(
          key,
          loop.schedule(
              () -> {
                timers.remove(key);
                enqueue(key);
              },
              Math.max(0, delay.toNanos()),
              TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      // the loop has stopped
    }
  }

  // ---- the reconcile ----

  private void reconcile(RevisionKey key) {
    String ns = key.namespace();
    String name = key.name();
    RevisionResource rev = store.get(RevisionResource.class, new ObjectKey(ns, name));
    Deployment standard = managed(get(Deployment.class, ns, KubernetesNames.deployment(name)));
    Deployment reserve =
        managed(get(Deployment.class, ns, KubernetesNames.reserveDeployment(name)));
    if (rev == null || (standard == null && reserve == null)) {
      if (realized.remove(key) != null) {
        runtime.delete(key);
      }
      ScheduledFuture<?> timer = timers.remove(key);
      if (timer != null) {
        timer.cancel(false);
      }
      deleteObserved(key);
      return;
    }
    Revision revision = Models.revision(rev);
    Realized r = realized.computeIfAbsent(key, k -> new Realized());
    String inputs = version(rev) + "/" + version(standard) + "/" + version(reserve);
    Instant now = clock.instant();

    // the standard instances
    int want = standard == null ? 0 : NodeObjects.replicas(standard);
    boolean applyStandard =
        r.refusal != null
            ? !inputs.equals(r.refusedInputs)
            : !Objects.equals(r.standard, want) && (r.standard != null || standard != null);
    if (applyStandard) {
      try {
        runtime.apply(revision, want);
        r.standard = want;
        r.refusal = null;
        r.refusedInputs = null;
      } catch (IllegalArgumentException e) {
        r.standard = null;
        r.refusal = message(e);
        r.refusedInputs = inputs;
      }
    }

    // the reserve
    Optional<ReserveSpec> spec =
        ReserveSpecs.lenient(revision.annotations(), revision.spec().concurrencyLimit());
    int wantReserve = reserve == null ? 0 : NodeObjects.replicas(reserve);
    InstanceSet set = runtime.observe(key);
    boolean reserveDraining = false;
    if (r.reserveRunning) {
      if (wantReserve > 0) {
        r.drainStarted = null;
      } else {
        if (r.drainStarted == null) {
          r.drainStarted = now;
        }
        Duration elapsed = Duration.between(r.drainStarted, now);
        switch (ReserveDrain.decide(
            wantReserve, reserveInFlight(key, set), elapsed, revision.spec().timeout())) {
          case RUN -> {}
          case DRAIN -> {
            reserveDraining = true;
            wake(key, ReserveDrain.RECHECK);
          }
          case STOP -> {
            runtime.applyReserve(revision, spec.orElse(null), false);
            r.reserveRunning = false;
            r.drainStarted = null;
          }
        }
      }
    } else if (wantReserve > 0
        && (r.reserveRefusal == null || !inputs.equals(r.reserveRefusedInputs))) {
      try {
        if (spec.isEmpty()) {
          throw new IllegalArgumentException(
              "the revision has no reserve instance (annotation pilotlight.dev/reserve-instance)");
        }
        runtime.applyReserve(revision, spec.get(), true);
        r.reserveRunning = true;
        r.reserveRefusal = null;
        r.reserveRefusedInputs = null;
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        r.reserveRefusal = message(e);
        r.reserveRefusedInputs = inputs;
      }
    } else if (wantReserve == 0) {
      r.reserveRefusal = null;
      r.reserveRefusedInputs = null;
    }

    // what runs: slices first (the gateway waits on them), then pods, then the Deployments' status
    set = runtime.observe(key);
    syncSlices(key, revision, set, reserveDraining);
    List<InstanceView> instances = runtime.instances(key);
    if (instances.stream().anyMatch(i -> i.state() == InstanceView.State.TERMINATING)) {
      wake(key, TERMINATING_RECHECK); // in case the runtime does not say when it has exited
    }
    int servingIndex = revision.spec().servingIndex();
    syncPods(key, standard, reserve, servingIndex, instances, reserveDraining, now);
    syncStatus(standard, live(instances, InstanceClass.STANDARD, false), r.refusal, key, now);
    syncStatus(
        reserve,
        live(instances, InstanceClass.RESERVE, reserveDraining),
        r.reserveRefusal,
        key,
        now);
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static String version(HasMetadata o) {
    return o == null ? "-" : o.getMetadata().getResourceVersion();
  }

  private <T extends HasMetadata> T get(Class<T> type, String ns, String name) {
    return store.get(type, new ObjectKey(ns, name));
  }

  private static Deployment managed(Deployment d) {
    return d == null || revisionOf(d) == null ? null : d;
  }

  /**
   * Requests in flight to the reserve instance. The gateway may name an instance by the runtime's
   * id or, fed from EndpointSlices, by its address ({@code 127.0.0.1:<port>}): the larger count.
   */
  private int reserveInFlight(RevisionKey key, InstanceSet set) {
    int n = 0;
    for (Endpoint e : set.reserveEndpoints()) {
      n +=
          Math.max(
              load.inFlight(key, e.id()),
              load.inFlight(key, NodeObjects.LOOPBACK + ":" + e.port()));
    }
    return n;
  }

  private static List<InstanceView> live(
      List<InstanceView> all, InstanceClass instanceClass, boolean draining) {
    return all.stream()
        .filter(
            i ->
                i.instanceClass() == instanceClass
                    && i.state() != InstanceView.State.TERMINATING
                    && !draining)
        .toList();
  }

  private Map<String, String> childSelector(RevisionKey key) {
    return Map.of(
        KubernetesNames.REVISION_LABEL,
        key.name(),
        KubernetesNames.MANAGED_BY_LABEL,
        KubernetesNames.MANAGED_BY);
  }

  /** One slice per instance with an address: ready ones, then starting ones. */
  private void syncSlices(
      RevisionKey key, Revision revision, InstanceSet set, boolean reserveDraining) {
    String ns = key.namespace();
    String portName = revision.spec().protocol() == Protocol.H2C ? "h2c" : "http";
    Map<String, OwnerReference> owners = new HashMap<>();
    Map<String, EndpointSlice> desired = new LinkedHashMap<>();
    for (boolean ready : new boolean[] {true, false}) {
      for (Endpoint e : ready ? set.ready() : set.startingEndpoints()) {
        boolean isReserve = e.instanceClass() == InstanceClass.RESERVE;
        String service =
            isReserve
                ? KubernetesNames.reserveEndpointsService(key.name())
                : KubernetesNames.endpointsService(key.name());
        OwnerReference owner =
            owners.computeIfAbsent(
                service,
                s -> {
                  Service svc = get(Service.class, ns, s);
                  return svc == null ? null : Ownership.controllerRef(svc);
                });
        EndpointSlice slice =
            NodeObjects.slice(
                ns,
                key.name(),
                service,
                e.id(),
                portName,
                e.port(),
                ready,
                isReserve && reserveDraining,
                owner);
        desired.putIfAbsent(slice.getMetadata().getName(), slice);
      }
    }
    Map<String, EndpointSlice> existing = new HashMap<>();
    for (EndpointSlice s : store.list(EndpointSlice.class, ns, childSelector(key))) {
      existing.put(s.getMetadata().getName(), s);
    }
    for (EndpointSlice want : desired.values()) {
      EndpointSlice have = existing.remove(want.getMetadata().getName());
      if (have == null) {
        store.create(want);
      } else if (!sameSlice(want, have)) {
        want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
        store.update(want);
      }
    }
    for (EndpointSlice gone : existing.values()) {
      store.delete(EndpointSlice.class, ObjectKey.of(gone));
    }
  }

  private static boolean sameSlice(EndpointSlice want, EndpointSlice have) {
    return NodeObjects.same(want.getMetadata().getLabels(), have.getMetadata().getLabels())
        && NodeObjects.same(
            want.getMetadata().getOwnerReferences(), have.getMetadata().getOwnerReferences())
        && Objects.equals(want.getAddressType(), have.getAddressType())
        && NodeObjects.same(want.getPorts(), have.getPorts())
        && NodeObjects.same(want.getEndpoints(), have.getEndpoints());
  }

  /** One Pod per instance of a class whose Deployment exists. */
  private void syncPods(
      RevisionKey key,
      Deployment standard,
      Deployment reserve,
      int servingIndex,
      List<InstanceView> instances,
      boolean reserveDraining,
      Instant now) {
    String ns = key.namespace();
    Map<String, Pod> existing = new HashMap<>();
    for (Pod p : store.list(Pod.class, ns, childSelector(key))) {
      existing.put(p.getMetadata().getName(), p);
    }
    for (InstanceView i : instances) {
      boolean isReserve = i.instanceClass() == InstanceClass.RESERVE;
      Deployment d = isReserve ? reserve : standard;
      if (d == null) {
        continue;
      }
      boolean terminating =
          i.state() == InstanceView.State.TERMINATING || (isReserve && reserveDraining);
      String name = NodeObjects.podName(d.getMetadata().getName(), i.id());
      Pod have = existing.remove(name);
      if (have != null && have.getMetadata().getDeletionTimestamp() != null && !terminating) {
        store.delete(Pod.class, ObjectKey.of(have)); // not stopped after all: a pod anew
        have = null;
      }
      Pod want = NodeObjects.pod(d, servingIndex, i, terminating, have, now);
      runtime
          .logFile(key, i.id())
          .ifPresent(
              log ->
                  want.getMetadata()
                      .getAnnotations()
                      .put(KubernetesNames.LOG_ANNOTATION, log.toString()));
      ObjectKey podKey = ObjectKey.of(want);
      if (have == null) {
        store.create(want);
        store.replaceStatus(Pod.class, podKey, want.getStatus());
      } else {
        if (!samePodSpec(want, have)) {
          want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
          store.update(want);
        }
        if (!NodeObjects.same(want.getStatus(), have.getStatus())) {
          store.replaceStatus(Pod.class, podKey, want.getStatus());
        }
      }
      if (terminating && (have == null || have.getMetadata().getDeletionTimestamp() == null)) {
        store.deleteGracefully(Pod.class, podKey);
      }
    }
    for (Pod gone : existing.values()) {
      store.delete(Pod.class, ObjectKey.of(gone));
    }
  }

  private static boolean samePodSpec(Pod want, Pod have) {
    return NodeObjects.same(want.getMetadata().getLabels(), have.getMetadata().getLabels())
        && NodeObjects.same(
            want.getMetadata().getAnnotations(), have.getMetadata().getAnnotations())
        && NodeObjects.same(
            want.getMetadata().getOwnerReferences(), have.getMetadata().getOwnerReferences())
        && NodeObjects.same(want.getSpec(), have.getSpec());
  }

  private void syncStatus(
      Deployment d, List<InstanceView> live, String refusal, RevisionKey key, Instant now) {
    if (d == null) {
      return;
    }
    DeploymentStatus status = NodeObjects.deploymentStatus(d, live, refusal, now);
    if (!NodeObjects.same(status, d.getStatus())) {
      store.replaceStatus(Deployment.class, ObjectKey.of(d), status);
    }
    Instant deadline = NodeObjects.progressDeadlineAt(d, status);
    if (deadline != null) {
      wake(key, Duration.between(now, deadline).plusSeconds(1));
    }
  }

  /** Removes the Pods and slices of a revision no longer realized (normally gone by cascade). */
  private void deleteObserved(RevisionKey key) {
    for (EndpointSlice s : store.list(EndpointSlice.class, key.namespace(), childSelector(key))) {
      store.delete(EndpointSlice.class, ObjectKey.of(s));
    }
    for (Pod p : store.list(Pod.class, key.namespace(), childSelector(key))) {
      store.delete(Pod.class, ObjectKey.of(p));
    }
  }
}
