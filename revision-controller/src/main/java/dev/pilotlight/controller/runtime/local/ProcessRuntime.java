package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.LocalRuntimes;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.metrics.InstanceCounts;
import dev.pilotlight.controller.runtime.InstanceListener;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import dev.pilotlight.controller.runtime.capacity.CapacitySettings;
import dev.pilotlight.controller.runtime.capacity.InstanceRequests;
import dev.pilotlight.controller.runtime.capacity.NodeCapacity;
import dev.pilotlight.controller.runtime.capacity.Resources;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs revision instances as local OS processes: start with an allocated {@code PORT}, probe until
 * ready (every 2 ms while starting, so a held request leaves within milliseconds of the app being
 * able to answer), restart on crash with capped backoff, stop with SIGTERM then a grace period then
 * SIGKILL. Output goes to {@code <state>/logs/<namespace>/<revision>/<instance>.log}. Running
 * instances not yet ready are published with their address ({@link InstanceSet#startingEndpoints}),
 * for the gateway to probe as well.
 *
 * <p>The reserve instance (the pilot light, {@link #applyReserve}) is one more instance of the same
 * command, with {@code PILOTLIGHT_INSTANCE_CLASS=reserve} and its CPU limit applied as CPU affinity
 * where the OS allows ({@link CpuAffinity}); its log starts with a line saying what was applied.
 *
 * <p>Instances run only as the node's capacity allows ({@link NodeCapacity}): each requests its
 * containers' {@code resources.requests} (else the default instance request), the reserve first;
 * one that does not fit stays pending (not started; {@code Unschedulable} in the revision's {@link
 * InstanceSet#failing}) and starts, first come first served, when an instance's process has exited
 * and freed its requests. Scaling down removes pending instances first.
 *
 * <p>All state sits behind one lock; the listener is called under it, in order, and must not block
 * (the controller only hands the change on).
 */
public final class ProcessRuntime implements WorkloadRuntime {
  /** Restarts of a crashing instance: 100 ms, 200 ms, ... up to 30 s. */
  static final Backoff RESTART_BACKOFF =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration STARTING_PROBE_INTERVAL = Duration.ofMillis(2);
  private static final Duration STARTING_PROBE_TIMEOUT = Duration.ofMillis(200);

  private final Path stateDir;
  private final Ticker ticker;
  private final ScheduledExecutorService scheduler;
  private final Map<String, String> extraEnv;
  private final Path binDir;
  private final Duration stopGrace;
  private final Backoff backoff;
  private final CpuAffinity affinity;
  private final Path cwd = Path.of("").toAbsolutePath();
  private final Optional<ContainerEngine> engine;
  private final String owner;
  private final Resources instanceRequest;

  /** Engine calls that wait (a stop waits out the grace): off the scheduler, bounded. */
  private final ThreadPoolExecutor engineCalls =
      new ThreadPoolExecutor(
          2,
          2,
          30,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(10_000),
          r -> {
            Thread t = new Thread(r, "pilotlight-container-engine");
            t.setDaemon(true);
            return t;
          });

  private final Object lock = new Object();
  private final Map<RevisionKey, Supervised> revisions = new HashMap<>();
  private final Map<RevisionKey, InstanceSet> observed = new ConcurrentHashMap<>();
  private final NodeCapacity<Instance> capacity;
  private volatile InstanceListener listener = set -> {};
  private boolean closed;

  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir) {
    this(stateDir, ticker, scheduler, extraEnv, binDir, DEFAULT_STOP_GRACE);
  }

  /**
   * @param stopGrace time between SIGTERM and SIGKILL when stopping an instance
   */
  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir,
      Duration stopGrace) {
    this(stateDir, ticker, scheduler, extraEnv, binDir, stopGrace, Optional.empty());
  }

  /**
   * @param engine the container engine that runs revisions whose serving container names an image
   *     ({@link LocalRuntimes}); empty: such revisions cannot run, and say what to install
   */
  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir,
      Duration stopGrace,
      Optional<ContainerEngine> engine) {
    this(
        stateDir,
        ticker,
        scheduler,
        extraEnv,
        binDir,
        stopGrace,
        engine,
        CapacitySettings.machine());
  }

  /**
   * @param capacity the node's allocatable resources and the default instance request
   */
  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir,
      Duration stopGrace,
      Optional<ContainerEngine> engine,
      CapacitySettings capacity) {
    this.capacity = new NodeCapacity<>(capacity.allocatable());
    this.instanceRequest = capacity.instanceRequest();
    this.engine = engine;
    this.owner = owner(stateDir);
    this.stateDir = stateDir.toAbsolutePath();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.extraEnv = Map.copyOf(extraEnv);
    this.binDir = binDir.toAbsolutePath();
    this.stopGrace = stopGrace;
    this.backoff = RESTART_BACKOFF;
    this.affinity = CpuAffinity.detect(System.getenv());
  }

  /**
   * Stops instances an earlier run left behind (killed with no chance to clean up); returns how
   * many.
   */
  public static int reapOrphans(Path stateDir) {
    return PidFiles.reap(stateDir.toAbsolutePath());
  }

  /**
   * Removes the containers an earlier run with this state directory left behind (labelled with its
   * owner id), never another's; returns how many. Bounded: each engine call gets 30 s.
   */
  public static int reapContainers(ContainerEngine engine, Path stateDir) {
    String owner = owner(stateDir);
    List<String> ids =
        engineOutput(
            engine,
            List.of(
                "ps",
                "-a",
                "-q",
                "--filter",
                "label=" + ContainerEngine.OWNER_LABEL + "=" + owner));
    if (ids.isEmpty()) {
      return 0;
    }
    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
    rm.addAll(ids);
    engineOutput(engine, rm);
    return ids.size();
  }

  /** This state directory's owner id: its containers' label, stable across runs. */
  static String owner(Path stateDir) {
    String abs = stateDir.toAbsolutePath().normalize().toString();
    return String.format("%08x", abs.hashCode());
  }

  /** Runs the engine's CLI and returns its output lines; empty on failure or after 30 s. */
  private static List<String> engineOutput(ContainerEngine engine, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(engine.executable().toString());
    command.addAll(args);
    Path out = null;
    try {
      // output to a file, so a hung engine is bounded by the wait below, not by a blocked read
      out = Files.createTempFile("pilotlight-engine", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      if (p.exitValue() != 0) {
        return List.of();
      }
      return Files.readAllLines(out).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  /** Runs an engine command off the caller's thread (dropped once the runtime has closed). */
  private void engineCall(List<String> args) {
    try {
      engineCalls.execute(() -> engineOutput(engine.get(), args));
    } catch (RejectedExecutionException closed) {
      // closing: close() removes what is left
    }
  }

  /** Fails fast, on the caller's thread, for a revision that can never run here. */
  private void checkRunnable(Revision revision, InstanceClass instanceClass) {
    if (LocalRuntimes.container(revision)) {
      if (engine.isEmpty()) {
        throw new IllegalArgumentException(ContainerEngine.missing());
      }
      ContainerSpecs.build(revision, 0, engine.get(), owner, "check", instanceClass, null, cwd);
    } else {
      ProcessSpecs.build(revision, 0, Map.of(), extraEnv, binDir, cwd, instanceClass);
    }
  }

  @Override
  public void setListener(InstanceListener listener) {
    this.listener = Objects.requireNonNull(listener);
  }

  @Override
  public void apply(Revision revision, int standardReplicas) {
    checkRunnable(revision, InstanceClass.STANDARD);
    synchronized (lock) {
      if (closed) {
        return;
      }
      Supervised s = revisions.computeIfAbsent(revision.key(), k -> new Supervised(revision));
      s.revision = revision;
      s.desired = Math.max(0, standardReplicas);
      s.deleted = false;
      converge(s);
    }
  }

  @Override
  public void applyReserve(Revision revision, ReserveSpec reserve, boolean running) {
    if (running) {
      checkRunnable(revision, InstanceClass.RESERVE);
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      Supervised s = revisions.get(revision.key());
      if (s == null) {
        if (!running) {
          return;
        }
        s = new Supervised(revision);
        revisions.put(revision.key(), s);
      }
      s.revision = revision;
      s.reserve = reserve;
      s.reserveWanted = running && reserve != null;
      s.deleted = false;
      converge(s);
    }
  }

  @Override
  public void delete(RevisionKey key) {
    synchronized (lock) {
      Supervised s = revisions.get(key);
      if (s == null) {
        return;
      }
      s.desired = 0;
      s.reserveWanted = false;
      s.deleted = true;
      converge(s);
    }
  }

  /**
   * Every revision's instances now, for {@link dev.pilotlight.controller.metrics.InstanceMetrics}.
   */
  public List<InstanceCounts> counts() {
    synchronized (lock) {
      List<InstanceCounts> out = new ArrayList<>(revisions.size());
      for (Supervised s : revisions.values()) {
        int starting = 0;
        int ready = 0;
        int pending = 0;
        int reserve = 0;
        int standard = 0;
        for (Instance i : s.instances) {
          if (i.stopping) {
            continue;
          }
          boolean running = i.process != null && i.process.isAlive();
          if (i.instanceClass == InstanceClass.RESERVE) {
            reserve += running ? 1 : 0;
            continue;
          }
          standard++;
          if (!running) {
            pending++;
          } else if (i.ready) {
            ready++;
          } else {
            starting++;
          }
        }
        pending += Math.max(0, s.desired - standard);
        out.add(
            new InstanceCounts(s.revision.key(), starting, ready, pending, reserve, s.restarts));
      }
      return out;
    }
  }

  @Override
  public InstanceSet observe(RevisionKey revision) {
    return observed.getOrDefault(revision, InstanceSet.empty(revision));
  }

  @Override
  public void close() {
    List<Instance> all = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      for (Supervised s : revisions.values()) {
        s.desired = 0;
        s.reserveWanted = false;
        for (Instance i : List.copyOf(s.instances)) {
          if (!i.stopping) {
            stop(s, i);
          }
          all.add(i);
        }
      }
    }
    long deadline = ticker.nanoTime() + stopGrace.toNanos() + Duration.ofSeconds(2).toNanos();
    for (Instance i : all) {
      Process p = i.process;
      if (p == null) {
        continue;
      }
      long left = Math.max(0, deadline - ticker.nanoTime());
      try {
        p.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        kill(p);
      }
    }
    engineCalls.shutdown();
    // whatever container outlived its run process (killed past the grace) goes now
    engine.ifPresent(e -> reapContainers(e, stateDir));
  }

  // ---- convergence (under lock) ----

  private void converge(Supervised s) {
    List<Instance> active =
        s.instances.stream()
            .filter(i -> !i.stopping && i.instanceClass == InstanceClass.STANDARD)
            .toList();
    int missing = s.desired - active.size();
    for (int n = 0; n < missing; n++) {
      Instance i =
          new Instance(s, s.revision.name() + "-" + (++s.sequence), InstanceClass.STANDARD);
      s.instances.add(i);
      capacity.request(i, InstanceRequests.standard(s.revision.spec(), instanceRequest), false);
    }
    if (missing < 0) {
      List<Instance> victims = new ArrayList<>(active);
      // pending ones first (the newest first), then not-ready ones, then the newest
      victims.sort(
          (a, b) ->
              capacity.pending(a) != capacity.pending(b)
                  ? (capacity.pending(a) ? -1 : 1)
                  : a.ready != b.ready
                      ? (a.ready ? 1 : -1)
                      : a.startedNanos != b.startedNanos
                          ? Long.compare(b.startedNanos, a.startedNanos)
                          : Integer.compare(b.sequence, a.sequence));
      for (int n = 0; n < -missing; n++) {
        stop(s, victims.get(n));
      }
    }
    Instance reserve =
        s.instances.stream()
            .filter(i -> !i.stopping && i.instanceClass == InstanceClass.RESERVE)
            .findFirst()
            .orElse(null);
    if (s.reserveWanted && reserve == null) {
      Instance i =
          new Instance(
              s, s.revision.name() + "-reserve-" + (++s.reserveSequence), InstanceClass.RESERVE);
      s.instances.add(i);
      capacity.request(
          i,
          InstanceRequests.reserve(
              s.revision.spec(), s.reserve == null ? null : s.reserve.resources(), instanceRequest),
          true);
    } else if (!s.reserveWanted && reserve != null) {
      stop(s, reserve);
    }
    admit();
    if (s.deleted && s.instances.isEmpty()) {
      revisions.remove(s.revision.key());
    }
    notifyChange(s);
  }

  /**
   * The one admission point: starts the pending instances that now fit, of every revision, and
   * tells each revision with pending instances what they wait for (what is free changed).
   */
  private void admit() {
    if (closed) {
      return;
    }
    Set<Supervised> changed = new LinkedHashSet<>();
    for (Instance i : capacity.admit()) {
      start(i.owner, i);
      changed.add(i.owner);
    }
    for (Supervised s : revisions.values()) {
      for (Instance i : s.instances) {
        if (capacity.pending(i)) {
          changed.add(s);
          break;
        }
      }
    }
    changed.forEach(this::notifyChange);
  }

  private void start(Supervised s, Instance i) {
    i.ready = false;
    i.probeFailures = 0;
    i.startedNanos = ticker.nanoTime();
    ProcessSpecs.ProcessSpec spec;
    try {
      i.port = freePort();
      i.container = LocalRuntimes.container(s.revision) && engine.isPresent();
      spec =
          i.container
              ? ContainerSpecs.build(
                  s.revision, i.port, engine.get(), owner, i.id, i.instanceClass, s.reserve, cwd)
              : ProcessSpecs.build(
                  s.revision, i.port, System.getenv(), extraEnv, binDir, cwd, i.instanceClass);
      Path log = logFile(s.revision, i.id);
      Files.createDirectories(log.getParent());
      List<String> command = spec.command();
      if (i.instanceClass == InstanceClass.RESERVE && s.reserve != null && !i.container) {
        command = affinity.wrap(command, s.reserve.resources().cpuMillicores());
        Files.writeString(
            log,
            "pilotlight: reserve instance "
                + i.id
                + " (PILOTLIGHT_INSTANCE_CLASS=reserve); "
                + affinity.describe(s.reserve.resources())
                + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
      ProcessBuilder pb = new ProcessBuilder(command).directory(spec.workingDir().toFile());
      if (!i.container) { // the engine's CLI keeps this process's environment (its config, HOME)
        pb.environment().clear();
        pb.environment().putAll(spec.env());
      }
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process p = pb.start();
      i.process = p;
      PidFiles.write(stateDir, i.id, p.toHandle());
      p.onExit().thenAccept(exited -> onExit(s, i, exited));
      i.check =
          ReadinessCheck.from(
              s.revision.spec().container().getReadinessProbe(), s.revision.spec().protocol());
      i.probe = schedule(() -> probe(s, i), STARTING_PROBE_INTERVAL);
    } catch (IOException | RuntimeException e) {
      i.process = null;
      crashed(s, i, "cannot start: " + e.getMessage());
    }
  }

  private void stop(Supervised s, Instance i) {
    i.stopping = true;
    i.ready = false;
    cancelProbe(i);
    if (i.restart != null) {
      i.restart.cancel(false);
    }
    Process p = i.process;
    if (p == null || !p.isAlive()) {
      // pending, or not running: nothing holds its requests (the caller admits again)
      capacity.release(i);
      s.instances.remove(i);
      PidFiles.delete(stateDir, i.id);
      return;
    }
    if (i.container) {
      // the engine sends SIGTERM, waits the grace, then kills; its run process exits after
      String name = ContainerSpecs.name(owner, i.id, i.port);
      long graceSeconds = Math.max(1, stopGrace.toSeconds());
      engineCall(List.of("stop", "--time=" + graceSeconds, name));
      schedule(
          () -> {
            if (p.isAlive()) {
              kill(p);
              engineCall(List.of("rm", "-f", name));
            }
          },
          stopGrace.plusSeconds(10));
      return;
    }
    p.destroy(); // SIGTERM: let the app finish in-flight requests
    schedule(
        () -> {
          if (p.isAlive()) {
            kill(p);
          }
        },
        stopGrace);
  }

  private void onExit(Supervised s, Instance i, Process exited) {
    synchronized (lock) {
      if (i.process != exited) {
        return; // a stale exit of a process already replaced
      }
      exited.descendants().forEach(ProcessHandle::destroy);
      PidFiles.delete(stateDir, i.id);
      if (i.stopping) {
        s.instances.remove(i);
        if (s.deleted && s.instances.isEmpty()) {
          revisions.remove(s.revision.key());
        }
        notifyChange(s);
        if (capacity.release(i)) {
          admit(); // its requests are free: pending instances of any revision may start
        }
        return;
      }
      crashed(s, i, "exited with code " + exited.exitValue());
    }
  }

  private void crashed(Supervised s, Instance i, String why) {
    i.ready = false;
    cancelProbe(i);
    s.crashes++;
    s.restarts++;
    Duration delay = backoff.delay(s.crashes);
    s.failing =
        "instance "
            + i.id
            + " "
            + why
            + ", restarting in "
            + delay.toMillis()
            + "ms; see "
            + logFile(s.revision, i.id);
    notifyChange(s);
    if (closed) {
      return;
    }
    i.restart =
        schedule(
            () -> {
              synchronized (lock) {
                if (!i.stopping && !closed && s.instances.contains(i)) {
                  start(s, i);
                  notifyChange(s);
                }
              }
            },
            delay);
  }

  private void probe(Supervised s, Instance i) {
    Process p;
    boolean wasReady;
    ReadinessCheck check;
    synchronized (lock) {
      if (i.stopping || i.process == null || !i.process.isAlive()) {
        return;
      }
      p = i.process;
      wasReady = i.ready;
      check = i.check;
    }
    boolean ok = check.check(i.port, wasReady ? check.timeout() : STARTING_PROBE_TIMEOUT);
    synchronized (lock) {
      if (i.stopping || i.process != p) {
        return;
      }
      if (ok) {
        i.probeFailures = 0;
        if (!i.ready) {
          i.ready = true;
          s.crashes = 0;
          s.failing = null;
          notifyChange(s);
        }
      } else if (i.ready && ++i.probeFailures >= check.failureThreshold()) {
        i.ready = false;
        notifyChange(s);
      }
      Duration next = i.ready ? Duration.ofSeconds(check.periodSeconds()) : STARTING_PROBE_INTERVAL;
      i.probe = schedule(() -> probe(s, i), next);
    }
  }

  private void notifyChange(Supervised s) {
    List<Endpoint> ready = new ArrayList<>();
    List<Endpoint> running = new ArrayList<>();
    int starting = 0;
    int pending = 0;
    String unschedulable = null;
    for (Instance i : s.instances) {
      if (i.stopping) {
        continue;
      }
      if (capacity.pending(i)) {
        pending++;
        if (unschedulable == null) {
          unschedulable = capacity.unschedulable(i);
        }
        continue;
      }
      if (i.ready) {
        ready.add(
            new Endpoint(i.id, "127.0.0.1", i.port, i.instanceClass, s.revision.spec().protocol()));
      } else {
        starting++;
        if (i.process != null && i.process.isAlive()) {
          // with the protocol, as when ready: the gateway may route to it from its own probe
          running.add(
              new Endpoint(
                  i.id, "127.0.0.1", i.port, i.instanceClass, s.revision.spec().protocol()));
        }
      }
    }
    String failing = s.failing;
    if (failing == null && pending > 0) {
      failing =
          "Unschedulable: "
              + pending
              + (pending == 1 ? " instance" : " instances")
              + " pending; "
              + (unschedulable != null ? unschedulable : "waiting for the node's capacity");
    }
    InstanceSet set = new InstanceSet(s.revision.key(), ready, starting, failing, running);
    InstanceSet previous = observed.put(s.revision.key(), set);
    if (!set.equals(previous)) {
      try {
        listener.onInstances(set);
      } catch (RuntimeException e) {
        // the listener's problem; our state stays consistent
      }
    }
  }

  // ---- helpers ----

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // shutting down
    }
  }

  private static void cancelProbe(Instance i) {
    if (i.probe != null) {
      i.probe.cancel(false);
      i.probe = null;
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private Path logFile(Revision r, String instanceId) {
    return stateDir
        .resolve("logs")
        .resolve(r.namespace())
        .resolve(r.name())
        .resolve(instanceId + ".log");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** A revision under supervision. */
  private static final class Supervised {
    Revision revision;
    int desired;
    ReserveSpec reserve;
    boolean reserveWanted;
    boolean deleted;
    int sequence;
    int reserveSequence;
    int crashes;
    long restarts;
    String failing;
    final List<Instance> instances = new ArrayList<>();

    Supervised(Revision revision) {
      this.revision = revision;
    }
  }

  /**
   * One instance slot; a crashed instance is restarted in the same slot with a new process and
   * port.
   */
  private static final class Instance {
    final Supervised owner;
    final String id;
    final int sequence;
    final InstanceClass instanceClass;
    int port;
    boolean container;
    Process process;
    ReadinessCheck check;
    boolean ready;
    boolean stopping;
    int probeFailures;
    long startedNanos;
    ScheduledFuture<?> probe;
    ScheduledFuture<?> restart;

    Instance(Supervised owner, String id, InstanceClass instanceClass) {
      this.owner = owner;
      this.sequence = owner.sequence + owner.reserveSequence;
      this.id = id;
      this.instanceClass = instanceClass;
    }
  }
}
