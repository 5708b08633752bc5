package dev.pilotlight.controller.local;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.InstanceLoad;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTableListener;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScaleListener;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.ScalingTargets;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.api.traffic.RouteTables;
import dev.pilotlight.api.traffic.RouteTables.ResolvedRoute;
import dev.pilotlight.api.traffic.TrafficResolver;
import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import dev.pilotlight.controller.local.DesiredState.DesiredConfiguration;
import dev.pilotlight.controller.local.DesiredState.DesiredRoute;
import dev.pilotlight.controller.local.DesiredState.Expansion;
import dev.pilotlight.controller.metrics.ControllerMetrics;
import dev.pilotlight.controller.reconcile.RevisionStamper;
import dev.pilotlight.controller.reserve.PilotLight;
import dev.pilotlight.controller.runtime.InstanceListener;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import dev.pilotlight.controller.state.RevisionHistory;
import dev.pilotlight.controller.status.PodAutoscalerConditions;
import dev.pilotlight.controller.status.StatusSnapshot;
import dev.pilotlight.controller.status.StatusSnapshot.AutoscalerCondition;
import dev.pilotlight.controller.status.StatusSnapshot.ReserveStatus;
import dev.pilotlight.controller.status.StatusSnapshot.RevisionStatus;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The revision controller of local mode: one control loop (a single thread) that reconciles the
 * declared resources into revisions, a route table, scaling targets and running instances.
 *
 * <p>Level-triggered: every reconcile reads the whole desired state and converges. Inputs arrive as
 * events from other threads (manifest edits, scale decisions, instance changes) and are queued onto
 * the loop, so state is confined to it. The one exception is the hot path of scale-from-zero:
 * endpoint changes go to the gateway directly from the runtime's thread, so a held request leaves
 * the moment its instance is ready, without a hop through the loop.
 *
 * <p>The pilot light: for a revision with {@code pilotlight.dev/reserve-instance: "true"} the
 * standard instances run and the reserve instance is started and stopped as {@link PilotLight}
 * decides from the autoscaler's desire, the observed instances, and the reserve's requests in
 * flight as the gateway counts them ({@link InstanceLoad}); a draining reserve is looked at again
 * on a timer of the loop.
 *
 * <p>A user's mistake never stops serving: a route that cannot resolve keeps its last good targets
 * and reports why; a revision that cannot run reports why in its status.
 */
public final class LocalController implements ScaleListener, InstanceListener, AutoCloseable {

  /**
   * @param domain host suffix of routes
   * @param gatewayPort the port URLs are shown with
   */
  public record Settings(String domain, int gatewayPort, AutoscalerConfig autoscalerConfig) {}

  private final Settings settings;

  /** The global autoscaling defaults in force: {@link Settings}' until {@link #reconfigure}. */
  private AutoscalerConfig autoscalerConfig;

  /**
   * config-defaults in force for revisions stamped from now on; see {@link #reconfigureDefaults}.
   */
  private ServingDefaults servingDefaults = ServingDefaults.DEFAULTS;

  private final WorkloadRuntime runtime;
  private final ScalingTargets autoscaler;
  private final RouteTableListener routeListener;
  private final EndpointsListener endpointsListener;
  private final RevisionHistory history;
  private final Clock clock;
  private final ControllerEvents events;
  private final InstanceLoad load;
  private final Ticker ticker;
  private final ScheduledThreadPoolExecutor loop;
  private final ControllerMetrics metrics;
  private final ControllerMetrics.Kind loopMetrics;

  // Read from other threads (the endpoint hot path, status).
  private final Map<RevisionKey, Revision> revisions = new ConcurrentHashMap<>();
  private final Map<RevisionKey, Optional<ReserveSpec>> reserves = new ConcurrentHashMap<>();
  private volatile StatusSnapshot status = StatusSnapshot.EMPTY;

  // Confined to the loop thread.
  private final DesiredState desired = new DesiredState();
  private final Set<RevisionKey> everReady = new HashSet<>();
  private final Set<RevisionKey> fromHistory = new HashSet<>();

  /** Revisions a route has sent traffic to during this run (Knative's routingState "active"). */
  private final Set<RevisionKey> everRouted = new HashSet<>();

  private final Map<RevisionKey, Integer> desiredScale = new HashMap<>();

  /** Each revision's autoscaler conditions as last shown (for their transition times). */
  private final Map<RevisionKey, List<Condition>> autoscalerConditions = new HashMap<>();

  private final Map<RevisionKey, Integer> appliedScale = new HashMap<>();
  private final Map<RevisionKey, PilotLight.State> pilotStates = new HashMap<>();
  private final Map<RevisionKey, Boolean> appliedReserve = new HashMap<>();
  private final Map<RevisionKey, PilotLight.Phase> phases = new HashMap<>();
  private final Map<RevisionKey, ScheduledFuture<?>> rechecks = new HashMap<>();
  private final Set<RevisionKey> reserveUnsupported = new HashSet<>();
  private final Map<RevisionKey, InstanceSet> instances = new HashMap<>();
  private final Map<RevisionKey, ScalingTarget> upserted = new HashMap<>();
  private final Map<RevisionKey, String> revisionProblems = new HashMap<>();
  private final Map<String, List<ResolvedTarget>> lastGoodTraffic = new HashMap<>();
  private final Map<String, String> routeProblems = new HashMap<>();
  private final Map<String, String> configProblems = new HashMap<>();
  private final Set<String> reportedConflicts = new HashSet<>();
  private final Set<RevisionKey> announced = new HashSet<>();
  private Expansion expansion = new Expansion(List.of(), List.of(), List.of());
  private RouteTable routeTable = RouteTable.EMPTY;

  public LocalController(
      Settings settings,
      WorkloadRuntime runtime,
      ScalingTargets autoscaler,
      RouteTableListener routeListener,
      EndpointsListener endpointsListener,
      RevisionHistory history,
      Clock clock,
      ControllerEvents events) {
    this(
        settings,
        runtime,
        autoscaler,
        routeListener,
        endpointsListener,
        history,
        clock,
        events,
        InstanceLoad.NONE,
        Ticker.system());
  }

  /**
   * @param load requests in flight per instance (the gateway), to let a reserve finish its requests
   *     before it is stopped
   * @param ticker time for that drain's limit
   */
  public LocalController(
      Settings settings,
      WorkloadRuntime runtime,
      ScalingTargets autoscaler,
      RouteTableListener routeListener,
      EndpointsListener endpointsListener,
      RevisionHistory history,
      Clock clock,
      ControllerEvents events,
      InstanceLoad load,
      Ticker ticker) {
    this.settings = settings;
    this.autoscalerConfig = settings.autoscalerConfig();
    this.runtime = runtime;
    this.autoscaler = autoscaler;
    this.routeListener = routeListener;
    this.endpointsListener = endpointsListener;
    this.history = history;
    this.clock = clock;
    this.events = events;
    this.load = load;
    this.ticker = ticker;
    this.loop =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "pilotlight-controller");
              t.setDaemon(true);
              return t;
            });
    loop.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.metrics = new ControllerMetrics(ticker);
    this.loopMetrics = metrics.kind(LOOP_KIND, () -> loop.getQueue().size());
  }

  /** The {@code kind} of local mode's reconciles: one loop reconciles every kind at once. */
  public static final String LOOP_KIND = "local";

  /**
   * The loop's series, as Kubernetes mode's controller has them, with {@code kind="local"}: every
   * pass of the loop (a manifest applied, a decision, an instance change) by result, its duration,
   * and the events waiting for the loop.
   */
  public ControllerMetrics metrics() {
    return metrics;
  }

  /**
   * Loads the revision history and starts listening to the runtime. Call once, before any apply.
   */
  public CompletableFuture<Void> start() {
    runtime.setListener(this);
    return submit(
        () -> {
          RevisionHistory.Snapshot snapshot = history.load();
          for (Revision r : snapshot.revisions()) {
            revisions.put(r.key(), r);
            fromHistory.add(r.key());
            if (snapshot.everReady().contains(r.key().toString())) {
              everReady.add(r.key());
            }
          }
        });
  }

  /**
   * Replaces the resources declared by {@code source} (a file path) and reconciles. A file that
   * declares an object more than once is applied in order, as {@code kubectl apply -f} would: each
   * stage is reconciled (stamping its revisions) before the next.
   */
  public CompletableFuture<Void> apply(String source, List<Resource> resources) {
    return submit(
        () -> {
          for (List<Resource> stage : ManifestReader.stages(resources)) {
            desired.put(source, stage);
            reconcile();
          }
        });
  }

  /** Forgets the resources of {@code source} and reconciles (their revisions are deleted). */
  public CompletableFuture<Void> removeSource(String source) {
    return submit(
        () -> {
          desired.remove(source);
          reconcile();
        });
  }

  /**
   * config-defaults in force (at startup, and when it changes): revisions stamped from now on get
   * its timeouts and concurrency where their template says nothing; existing revisions keep what
   * they were created with, as in Knative.
   */
  public CompletableFuture<Void> reconfigureDefaults(ServingDefaults defaults) {
    return submit(() -> servingDefaults = defaults);
  }

  /**
   * A new global autoscaling config (config-autoscaler or config-deployment changed): every
   * revision's scaling target is resolved again and the changed ones go to the autoscaler.
   */
  public CompletableFuture<Void> reconfigure(AutoscalerConfig config) {
    return submit(
        () -> {
          autoscalerConfig = config;
          reconcile();
        });
  }

  public StatusSnapshot status() {
    return status;
  }

  /**
   * Completes once every event queued before it has been handled; for tests and orderly startup.
   */
  public CompletableFuture<Void> sync() {
    return submit(() -> {});
  }

  @Override
  public void onDecision(ScaleDecision decision) {
    submit(
        () -> {
          if (!revisions.containsKey(decision.revision())) {
            return;
          }
          Integer previous = desiredScale.put(decision.revision(), decision.desiredScale());
          if (previous != null && previous != decision.desiredScale()) {
            events.revisionEvent(
                String.valueOf(decision.revision()),
                "Revision "
                    + decision.revision()
                    + ": scale "
                    + previous
                    + " -> "
                    + decision.desiredScale()
                    + " ("
                    + decision.reason()
                    + ")");
          }
          reconcileWorkload(decision.revision());
          refreshStatus();
        });
  }

  @Override
  public void onInstances(InstanceSet set) {
    Revision revision = revisions.get(set.revision());
    if (revision != null) {
      // Hot path: straight to the gateway, so held requests leave as soon as an instance is ready.
      endpointsListener.onEndpoints(endpoints(revision, set, set.failing()));
    }
    submit(() -> instancesChanged(set));
  }

  @Override
  public void close() {
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the loop ----

  private CompletableFuture<Void> submit(Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loop.execute(
          () -> {
            long start = loopMetrics.start();
            try {
              task.run();
              loopMetrics.finished(start, ControllerMetrics.Result.SUCCESS);
              done.complete(null);
            } catch (RuntimeException e) {
              loopMetrics.finished(start, ControllerMetrics.Result.ERROR);
              events.event("internal error in the controller: " + e);
              done.completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private void reconcile() {
    expansion = desired.expand();
    for (String conflict : expansion.conflicts()) {
      if (reportedConflicts.add(conflict)) {
        events.event(conflict);
      }
    }
    boolean historyChanged = stampRevisions();
    historyChanged |= deleteOrphanedRevisions();
    if (historyChanged) {
      saveHistory();
    }
    for (Revision r : revisions.values()) {
      if (announced.add(r.key())) {
        // the gateway learns a revision's limits before any route names it, so requests can be held
        InstanceSet set = runtime.observe(r.key());
        endpointsListener.onEndpoints(endpoints(r, set, revisionProblem(r.key(), set)));
      }
    }
    resolveRoutes();
    RouteTable table =
        RouteTables.build(
            expansion.routes().stream()
                .filter(r -> lastGoodTraffic.containsKey(r.key()))
                .map(
                    r ->
                        new ResolvedRoute(
                            r.route().namespace(), r.route().name(), lastGoodTraffic.get(r.key())))
                .toList(),
            settings.domain());
    if (!table.equals(routeTable)) {
      routeTable = table;
      routeListener.onRouteTable(table);
    }
    Set<RevisionKey> routed = RouteTables.routedRevisions(routeTable);
    for (Revision r : revisions.values()) {
      upsertTarget(r, routed.contains(r.key()));
      reconcileWorkload(r.key());
    }
    refreshStatus();
  }

  private boolean stampRevisions() {
    boolean changed = false;
    for (DesiredConfiguration dc : expansion.configurations()) {
      List<Revision> existing =
          revisionsOf(dc.configuration().namespace(), dc.configuration().name());
      RevisionStamper.Stamp stamp =
          RevisionStamper.stamp(
              dc.configuration(), dc.service(), existing, clock.instant(), servingDefaults);
      if (stamp instanceof RevisionStamper.NewRevision nr) {
        Revision r = nr.revision();
        revisions.put(r.key(), r);
        configProblems.remove(dc.key());
        events.revisionEvent(
            String.valueOf(r.key()),
            "Configuration " + dc.key() + ": stamped revision " + r.name());
        changed = true;
      } else if (stamp instanceof RevisionStamper.Conflict c) {
        if (!c.message().equals(configProblems.put(dc.key(), c.message()))) {
          events.event("Configuration " + dc.key() + ": " + c.message());
        }
      } else {
        configProblems.remove(dc.key());
      }
    }
    return changed;
  }

  private boolean deleteOrphanedRevisions() {
    Set<String> configs =
        expansion.configurations().stream()
            .map(DesiredConfiguration::key)
            .collect(Collectors.toSet());
    boolean changed = false;
    for (Revision r : List.copyOf(revisions.values())) {
      if (!configs.contains(r.namespace() + "/" + r.configuration())) {
        forget(r.key());
        events.revisionEvent(
            String.valueOf(r.key()), "Revision " + r.key() + ": deleted with its configuration");
        changed = true;
      }
    }
    return changed;
  }

  private void forget(RevisionKey key) {
    revisions.remove(key);
    runtime.delete(key);
    autoscaler.remove(key);
    endpointsListener.onRevisionRemoved(key);
    everReady.remove(key);
    fromHistory.remove(key);
    everRouted.remove(key);
    desiredScale.remove(key);
    appliedScale.remove(key);
    reserves.remove(key);
    pilotStates.remove(key);
    appliedReserve.remove(key);
    phases.remove(key);
    reserveUnsupported.remove(key);
    ScheduledFuture<?> recheck = rechecks.remove(key);
    if (recheck != null) {
      recheck.cancel(false);
    }
    instances.remove(key);
    upserted.remove(key);
    revisionProblems.remove(key);
    announced.remove(key);
  }

  private void resolveRoutes() {
    Set<String> live = new HashSet<>();
    for (DesiredRoute dr : expansion.routes()) {
      live.add(dr.key());
      String ns = dr.route().namespace();
      String name = dr.route().name();
      TrafficResolver.Resolution resolution =
          TrafficResolver.resolve(
              dr.route().spec().traffic(),
              name,
              config -> latestRevisionOf(ns, config),
              rev -> revisions.containsKey(new RevisionKey(ns, rev)),
              tag ->
                  Names.url(
                      Names.tagHost(tag, name, ns, settings.domain()), settings.gatewayPort()));
      if (resolution instanceof TrafficResolver.Resolved resolved) {
        List<ResolvedTarget> previous = lastGoodTraffic.put(dr.key(), resolved.targets());
        if (routeProblems.remove(dr.key()) != null
            || (previous != null && !previous.equals(resolved.targets()))) {
          events.event(dr.kind() + " " + dr.key() + ": traffic " + describe(resolved.targets()));
        }
      } else if (resolution instanceof TrafficResolver.Unresolved unresolved) {
        String message =
            unresolved.reasons().stream()
                .map(Violation::toString)
                .collect(Collectors.joining("; "));
        String previous = routeProblems.put(dr.key(), message);
        if (!message.equals(previous)) {
          events.event(
              dr.kind()
                  + " "
                  + dr.key()
                  + ": traffic not changed: "
                  + message
                  + (lastGoodTraffic.containsKey(dr.key())
                      ? " (still serving the last good split)"
                      : ""));
        }
      }
    }
    lastGoodTraffic.keySet().retainAll(live);
    routeProblems.keySet().retainAll(live);
  }

  private static String describe(List<ResolvedTarget> targets) {
    return targets.stream()
        .map(
            t ->
                t.revisionName()
                    + "="
                    + t.percent()
                    + "%"
                    + (t.tag() == null ? "" : " (tag " + t.tag() + ")"))
        .collect(Collectors.joining(", "));
  }

  /** Latest traffic goes to the newest revision that has been ready, else to the newest created. */
  private Optional<String> latestRevisionOf(String namespace, String configuration) {
    List<Revision> all = revisionsOf(namespace, configuration);
    return all.stream()
        .filter(r -> everReady.contains(r.key()))
        .findFirst()
        .or(() -> all.stream().findFirst())
        .map(Revision::name);
  }

  /** A configuration's revisions, newest first. */
  private List<Revision> revisionsOf(String namespace, String configuration) {
    return revisions.values().stream()
        .filter(r -> r.namespace().equals(namespace) && r.configuration().equals(configuration))
        .sorted(Comparator.comparingLong(Revision::configurationGeneration).reversed())
        .toList();
  }

  private void upsertTarget(Revision r, boolean routed) {
    ScalingSpec spec;
    try {
      spec = ScalingSpecs.resolve(r.annotations(), r.spec().concurrencyLimit(), autoscalerConfig);
    } catch (RuntimeException e) {
      revisionProblems.put(r.key(), e.getMessage());
      return;
    }
    if (fromHistory.contains(r.key()) && !routed) {
      // Revisions restored from an earlier run that take no traffic stay at zero until asked for.
      spec = spec.withInitialScale(0);
    }
    int ready = readyStandard(instances.get(r.key()));
    if (routed) {
      everRouted.add(r.key());
    }
    // Knative's reachability: a revision no route has taken yet is "pending" (reachability
    // Unknown, treated as reachable: initial scale and min-scale hold); one routed before, or
    // restored from history, that no route sends traffic to now is "reserve" (Unreachable).
    boolean reachable = routed || (!fromHistory.contains(r.key()) && !everRouted.contains(r.key()));
    ScalingTarget target = new ScalingTarget(r.key(), spec, reachable, ready);
    if (!target.equals(upserted.get(r.key()))) {
      upserted.put(r.key(), target);
      autoscaler.upsert(target);
    }
  }

  /**
   * Converges a revision's instances: standard ones at the autoscaler's desire and the reserve as
   * the pilot-light policy decides (which holds one standard instance over while the reserve
   * starts).
   */
  private void reconcileWorkload(RevisionKey key) {
    Revision r = revisions.get(key);
    Integer want = desiredScale.get(key);
    if (r == null || want == null) {
      return;
    }
    Optional<ReserveSpec> reserve = reserveOf(r);
    InstanceSet set = instances.getOrDefault(key, InstanceSet.empty(key));
    PilotLight.Observed observed =
        new PilotLight.Observed(
            reserve.isPresent() && !reserveUnsupported.contains(key),
            RouteTables.routedRevisions(routeTable).contains(key),
            want,
            set.readyStandard(),
            set.reserveReady(),
            reserveInFlight(key, set));
    PilotLight.Decision d =
        PilotLight.decide(
            observed,
            pilotStates.getOrDefault(key, PilotLight.State.OFF),
            r.spec().timeout(),
            ticker.nanoTime());
    if (reserve.isPresent()
        && d.reserveRunning() != appliedReserve.getOrDefault(key, false)
        && !reserveUnsupported.contains(key)) {
      try {
        runtime.applyReserve(r, reserve.get(), d.reserveRunning());
        appliedReserve.put(key, d.reserveRunning());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        reserveUnsupported.add(key);
        events.revisionEvent(
            String.valueOf(key), "Revision " + key + ": no pilot light: " + e.getMessage());
        reconcileWorkload(key); // now without it: no standard instance held over for it
        return;
      }
    }
    pilotStates.put(key, d.state());
    if (!Objects.equals(appliedScale.get(key), d.standardReplicas())) {
      try {
        runtime.apply(r, d.standardReplicas());
        appliedScale.put(key, d.standardReplicas());
        revisionProblems.remove(key);
      } catch (IllegalArgumentException e) {
        if (!Objects.equals(revisionProblems.put(key, e.getMessage()), e.getMessage())) {
          events.revisionEvent(
              String.valueOf(key), "Revision " + key + ": cannot run: " + e.getMessage());
          // requests held for it get the reason when their deadline passes
          endpointsListener.onEndpoints(endpoints(r, set, e.getMessage()));
        }
      }
    }
    PilotLight.Phase phase = PilotLight.phase(observed, d);
    PilotLight.Phase previous = phases.put(key, phase);
    boolean quietStart = previous == null && phase == PilotLight.Phase.OFF;
    if (phase != previous && phase != PilotLight.Phase.DISABLED && !quietStart) {
      events.revisionEvent(
          String.valueOf(key), "Revision " + key + ": pilot light " + describe(phase, observed));
    }
    scheduleRecheck(key, d.recheckAfter());
  }

  private static String describe(PilotLight.Phase phase, PilotLight.Observed o) {
    return switch (phase) {
      case STARTING ->
          "starting the reserve instance"
              + (o.standardReady() > 0
                  ? " (one standard instance stays until it is ready)"
                  : " (standard instances at zero)");
      case READY -> "reserve instance ready";
      case DRAINING -> "a standard instance is ready: the reserve finishes its requests";
      case OFF -> "reserve instance stopped";
      case DISABLED -> "off";
    };
  }

  /** Another look at a draining reserve after {@code delay}; none when null. */
  private void scheduleRecheck(RevisionKey key, Duration delay) {
    ScheduledFuture<?> pending = rechecks.remove(key);
    if (pending != null) {
      pending.cancel(false);
    }
    if (delay == null) {
      return;
    }
    try {
      rechecks.put(
          key,
          loop.schedule(
              () -> {
                rechecks.remove(key);
                reconcileWorkload(key);
                refreshStatus();
              },
              delay.toNanos(),
              TimeUnit.NANOSECONDS));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private int reserveInFlight(RevisionKey key, InstanceSet set) {
    int n = 0;
    for (Endpoint e : set.reserveEndpoints()) {
      n += load.inFlight(key, e.id());
    }
    return n;
  }

  /** A revision's pilot light; revisions are immutable, so read once. */
  private Optional<ReserveSpec> reserveOf(Revision r) {
    return reserves.computeIfAbsent(
        r.key(), k -> ReserveSpecs.lenient(r.annotations(), r.spec().concurrencyLimit()));
  }

  private void instancesChanged(InstanceSet set) {
    RevisionKey key = set.revision();
    Revision r = revisions.get(key);
    if (r == null) {
      return;
    }
    InstanceSet previous = instances.put(key, set);
    if (set.failing() != null && (previous == null || !set.failing().equals(previous.failing()))) {
      events.revisionEvent(String.valueOf(key), "Revision " + key + ": " + set.failing());
    }
    if (!set.ready().isEmpty() && everReady.add(key)) {
      saveHistory();
      reconcile(); // a newly ready revision may take over its configuration's latest traffic
      return;
    }
    upsertTarget(r, RouteTables.routedRevisions(routeTable).contains(key));
    reconcileWorkload(key);
    refreshStatus();
  }

  private void saveHistory() {
    try {
      history.save(
          List.copyOf(revisions.values()),
          everReady.stream().map(RevisionKey::toString).collect(Collectors.toSet()));
    } catch (RuntimeException e) {
      events.event("cannot save revision history: " + e.getMessage());
    }
  }

  /**
   * @param problem why the revision cannot serve ({@link RevisionEndpoints#problem}), or null
   */
  RevisionEndpoints endpoints(Revision r, InstanceSet set, String problem) {
    RevisionEndpoints.Reserve reserve =
        reserveOf(r)
            .map(s -> new RevisionEndpoints.Reserve(s.containerConcurrency(), s.servesUpTo()))
            .orElse(null);
    return new RevisionEndpoints(
        r.key(),
        r.spec().concurrencyLimit(),
        r.spec().timeout(),
        r.spec().responseStartTimeout(),
        r.spec().idleTimeout(),
        set.ready(),
        set.startingEndpoints(),
        readinessProbe(r),
        reserve,
        problem);
  }

  /**
   * How the gateway probes the revision's starting instances: its container's HTTP readiness path,
   * else a TCP connect (as the local runtime does; validation refuses exec and grpc probes).
   */
  static ReadinessProbe readinessProbe(Revision r) {
    Container c = r.spec().container();
    Probe p = c == null ? null : c.getReadinessProbe();
    if (p != null && p.getHttpGet() != null) {
      return ReadinessProbe.http(p.getHttpGet().getPath());
    }
    return ReadinessProbe.TCP;
  }

  private static int readyStandard(InstanceSet set) {
    return set == null ? 0 : set.readyStandard();
  }

  private void refreshStatus() {
    Set<RevisionKey> routed = RouteTables.routedRevisions(routeTable);
    List<ServiceStatus> services = new ArrayList<>();
    for (DesiredRoute dr : expansion.routes()) {
      services.add(serviceStatus(dr));
    }
    List<RevisionStatus> revs =
        revisions.values().stream()
            .sorted(Comparator.comparing(Revision::key))
            .map(r -> revisionStatus(r, routed.contains(r.key())))
            .toList();
    autoscalerConditions.keySet().retainAll(revisions.keySet());
    status = new StatusSnapshot(List.copyOf(services), revs);
  }

  private ServiceStatus serviceStatus(DesiredRoute dr) {
    String ns = dr.route().namespace();
    String name = dr.route().name();
    String url = Names.url(Names.host(name, ns, settings.domain()), settings.gatewayPort());
    List<ResolvedTarget> traffic = lastGoodTraffic.getOrDefault(dr.key(), List.of());
    String latestCreated = null;
    String latestReady = null;
    String reason = null;
    String message = null;
    if (dr.kind().equals("Service")) {
      List<Revision> all = revisionsOf(ns, name);
      latestCreated = all.isEmpty() ? null : all.get(0).name();
      latestReady =
          all.stream()
              .filter(r -> everReady.contains(r.key()))
              .findFirst()
              .map(Revision::name)
              .orElse(null);
      String configProblem = configProblems.get(dr.key());
      if (configProblem != null) {
        reason = "RevisionFailed";
        message = configProblem;
      } else if (latestCreated != null && !latestCreated.equals(latestReady)) {
        RevisionKey key = new RevisionKey(ns, latestCreated);
        String problem = revisionProblem(key);
        reason = problem != null ? "RevisionFailed" : "RevisionMissing";
        message =
            problem != null
                ? "revision " + latestCreated + " is not ready: " + problem
                : "revision " + latestCreated + " is starting";
      }
    }
    if (routeProblems.containsKey(dr.key())) {
      reason = "TrafficNotResolved";
      message = routeProblems.get(dr.key());
    }
    boolean targetsReady =
        !traffic.isEmpty()
            && traffic.stream()
                .filter(t -> t.percent() > 0)
                .allMatch(t -> everReady.contains(new RevisionKey(ns, t.revisionName())));
    if (reason == null && !targetsReady) {
      reason = "RevisionMissing";
      message = "waiting for the routed revisions to become ready";
    }
    return new ServiceStatus(
        name,
        ns,
        dr.kind(),
        url,
        reason == null,
        reason,
        message,
        latestCreated,
        latestReady,
        traffic);
  }

  private String revisionProblem(RevisionKey key) {
    return revisionProblem(key, instances.get(key));
  }

  /** Why the revision cannot run, or why its instances fail, as last observed; else null. */
  private String revisionProblem(RevisionKey key, InstanceSet set) {
    String problem = revisionProblems.get(key);
    return problem == null && set != null ? set.failing() : problem;
  }

  /**
   * The revision's autoscaler as Knative's PodAutoscaler conditions, from its decision and ready
   * instances; transition times from the controller's clock.
   */
  private List<AutoscalerCondition> autoscalerConditions(Revision r, boolean routed) {
    int minScale;
    int initialScale;
    try {
      ScalingSpec spec =
          ScalingSpecs.resolve(r.annotations(), r.spec().concurrencyLimit(), autoscalerConfig);
      minScale = spec.minScale();
      initialScale = spec.initialScale();
    } catch (RuntimeException e) {
      minScale = autoscalerConfig.minScale();
      initialScale = autoscalerConfig.initialScale();
    }
    List<Condition> before = autoscalerConditions.get(r.key());
    List<Cond> previous = new ArrayList<>();
    for (String type :
        List.of(PodAutoscalerConditions.ACTIVE, PodAutoscalerConditions.SCALE_TARGET_INITIALIZED)) {
      Conditions.find(before, type).ifPresent(c -> previous.add(Conditions.get(before, type)));
    }
    Integer want = desiredScale.get(r.key());
    List<Cond> now =
        PodAutoscalerConditions.of(
            want == null ? -1 : want,
            readyStandard(instances.get(r.key())),
            routed,
            minScale,
            initialScale,
            previous);
    List<Condition> merged = Conditions.merge(before, now, clock.instant());
    autoscalerConditions.put(r.key(), merged);
    return merged.stream()
        .map(
            c ->
                new AutoscalerCondition(
                    c.getType(),
                    c.getStatus(),
                    c.getReason(),
                    c.getMessage(),
                    c.getLastTransitionTime()))
        .toList();
  }

  private RevisionStatus revisionStatus(Revision r, boolean routed) {
    return new RevisionStatus(
        r.name(),
        r.namespace(),
        r.service(),
        r.configuration(),
        desiredScale.getOrDefault(r.key(), 0),
        readyStandard(instances.get(r.key())),
        everReady.contains(r.key()),
        routed,
        revisionProblem(r.key()),
        null,
        reserveStatus(r),
        autoscalerConditions(r, routed));
  }

  private ReserveStatus reserveStatus(Revision r) {
    if (reserveOf(r).isEmpty()) {
      return ReserveStatus.DISABLED;
    }
    PilotLight.Phase phase = phases.getOrDefault(r.key(), PilotLight.Phase.OFF);
    InstanceSet set = instances.get(r.key());
    boolean ready =
        phase != PilotLight.Phase.OFF
            && phase != PilotLight.Phase.DISABLED
            && set != null
            && set.reserveReady();
    return new ReserveStatus(true, ready, phase.label());
  }
}
