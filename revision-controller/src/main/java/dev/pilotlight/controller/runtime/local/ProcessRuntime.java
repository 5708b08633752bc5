package dev.pilotlight.controller.runtime.local;

import dev.pilotlight.api.model.ConfigObject;
import dev.pilotlight.api.model.LocalRuntimes;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.metrics.InstanceCounts;
import dev.pilotlight.controller.runtime.InstanceListener;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import dev.pilotlight.controller.runtime.capacity.CapacitySettings;
import dev.pilotlight.controller.runtime.capacity.InstanceRequests;
import dev.pilotlight.controller.runtime.capacity.NodeCapacity;
import dev.pilotlight.controller.runtime.capacity.Resources;
import dev.pilotlight.controller.runtime.config.ConfigObjects;
import dev.pilotlight.controller.runtime.local.ProbeMachine.Kind;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

  /** Restarts of a crashing instance: 100 ms, 200 ms, ... up to 30 s. */
  static final Backoff RESTART_BACKOFF =
      new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
  private static final Duration ENGINE_CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STARTING_PROBE_INTERVAL = Duration.ofMillis(2);
  private static final Duration STARTING_PROBE_TIMEOUT = Duration.ofMillis(200);

  /** How long a container instance may take to run, as the engine reports it. */
  private static final Duration RUNNING_WAIT = Duration.ofSeconds(60);

  /** While starting, an exec readiness probe (a process through the engine) runs this often. */
  private static final Duration STARTING_EXEC_PROBE_INTERVAL = Duration.ofMillis(100);

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
  private final Optional<ImagePuller> puller;
  private final String owner;
  private final ConfigObjects objects;
  private final String nodeName = nodeName();
  private final AtomicLong volumeVersion = new AtomicLong();
  private final Resources instanceRequest;

  /** Engine calls that wait (a stop waits out the grace): off the scheduler, bounded. */
  private final ThreadPoolExecutor engineCalls =
      daemonPool("pilotlight-container-engine", 2, 10_000);

  /** Image pulls: one at a time, off the scheduler (a pull may take minutes), bounded. */
  private final ThreadPoolExecutor pulls = daemonPool("pilotlight-image-pull", 1, 1_000);

  /**
   * Pod preparation, waits for a container to run and exec probes: engine calls that wait, apart
   * from stops.
   */
  private final ThreadPoolExecutor engineWork = daemonPool("pilotlight-container-work", 8, 10_000);

  private final Object lock = new Object();
  private final Map<RevisionKey, Supervised> revisions = new HashMap<>();
  private final Map<RevisionKey, InstanceSet> observed = new ConcurrentHashMap<>();
  private final NodeCapacity<Instance> capacity;
  private volatile InstanceListener listener = set -> {};
  private boolean closed;

  /**
   * With no container engine, no ConfigMaps or Secrets, and the machine's capacity.
   *
   * @param stopGrace time between SIGTERM and SIGKILL when stopping an instance
   */
  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir,
      Duration stopGrace) {
    this(
        stateDir,
        ticker,
        scheduler,
        extraEnv,
        binDir,
        stopGrace,
        Optional.empty(),
        CapacitySettings.machine());
  }

  /** With no ConfigMaps or Secrets. */
  public ProcessRuntime(
      Path stateDir,
      Ticker ticker,
      ScheduledExecutorService scheduler,
      Map<String, String> extraEnv,
      Path binDir,
      Duration stopGrace,
      Optional<ContainerEngine> engine,
      CapacitySettings capacity) {
    this(
        stateDir,
        ticker,
        scheduler,
        extraEnv,
        binDir,
        stopGrace,
        engine,
        ConfigObjects.NONE,
        capacity);
  }

  /**
   * @param stopGrace time between SIGTERM and SIGKILL when stopping an instance
   * @param engine the container engine that runs revisions whose serving container names an image
   *     ({@link LocalRuntimes}); empty: such revisions cannot run, and say what to install
   * @param objects the ConfigMaps and Secrets that {@code env}, {@code envFrom} and volumes read:
   *     at each instance's start, and for volumes again on every change
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
      ConfigObjects objects,
      CapacitySettings capacity) {
    this.objects = objects;
    this.capacity = new NodeCapacity<>(capacity.allocatable());
    this.instanceRequest = capacity.instanceRequest();
    this.engine = engine;
    this.puller = engine.map(ImagePuller::new);
    this.owner = owner(stateDir);
    this.stateDir = stateDir.toAbsolutePath();
    this.ticker = ticker;
    this.scheduler = scheduler;
    this.extraEnv = Map.copyOf(extraEnv);
    this.binDir = binDir.toAbsolutePath();
    this.stopGrace = stopGrace;
    this.backoff = RESTART_BACKOFF;
    this.affinity = CpuAffinity.detect(System.getenv());
    try {
      VolumeFiles.delete(volumesRoot()); // an earlier run's, whose containers are gone
    } catch (IOException e) {
      // stale files only
    }
    objects.onChange(keys -> schedule(() -> onConfigChange(keys), Duration.ZERO));
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
    int removed = ids.size();
    if (!ids.isEmpty()) {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(ids);
      engineOutput(engine, rm);
    }
    if (!engine.name().equals("docker")) { // Podman's pods, with the same owner label
      List<String> pods =
          engineOutput(
              engine,
              List.of(
                  "pod",
                  "ps",
                  "-q",
                  "--filter",
                  "label=" + ContainerEngine.OWNER_LABEL + "=" + owner));
      if (!pods.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("pod", "rm", "-f"));
        rm.addAll(pods);
        engineOutput(engine, rm);
        removed += pods.size();
      }
    }
    return removed;
  }

  /** This state directory's owner id: its containers' label, stable across runs. */
  static String owner(Path stateDir) {
    String abs = stateDir.toAbsolutePath().normalize().toString();
    return String.format("%08x", abs.hashCode());
  }

  /**
   * A pool of {@code threads} daemon threads named {@code name}, idle ones let go after 30 s, with
   * at most {@code queue} tasks waiting (more are rejected).
   */
  private static ThreadPoolExecutor daemonPool(String name, int threads, int queue) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queue),
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Runs the engine's CLI and returns its output lines; empty on failure or after 30 s. */
  private static List<String> engineOutput(ContainerEngine engine, List<String> args) {
    return engine.output(args, ENGINE_CALL_TIMEOUT);
  }

  /** An engine call's exit code (-1: it could not run, or took over 30 s) and output. */
  record EngineResult(int code, String output) {}

  /** Runs the engine's CLI, bounded by 30 s. */
  static EngineResult engineRun(ContainerEngine engine, List<String> args) {
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
        return new EngineResult(-1, "timed out after 30s");
      }
      return new EngineResult(p.exitValue(), Files.readString(out).trim());
    } catch (IOException e) {
      return new EngineResult(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new EngineResult(-1, "interrupted");
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

  /**
   * Runs engine commands, in order, off the caller's thread (dropped once the runtime has closed).
   */
  private void engineCall(List<List<String>> steps) {
    try {
      engineCalls.execute(() -> steps.forEach(args -> engineOutput(engine.get(), args)));
    } catch (RejectedExecutionException closed) {
      // closing: close() removes what is left
    }
  }

  /** Fails fast, on the caller's thread, for a revision that can never run here. */
  private void checkRunnable(Revision revision, InstanceClass instanceClass) {
    try {
      if (LocalRuntimes.container(revision)) {
        if (engine.isEmpty()) {
          throw new IllegalArgumentException(ContainerEngine.missing());
        }
        ContainerSpecs.build(revision, 0, engine.get(), owner, "check", instanceClass, null, cwd);
      } else {
        ProcessSpecs.build(revision, 0, Map.of(), extraEnv, binDir, cwd, instanceClass);
      }
    } catch (EnvResolver.ConfigError missing) {
      // a ConfigMap or Secret not there yet: each start says so and retries
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

  /**
   * Each instance of the revision now, as the kubelet would report its pod: for local mode's node
   * agent.
   */
  @Override
  public List<InstanceView> instances(RevisionKey revision) {
    synchronized (lock) {
      Supervised s = revisions.get(revision);
      if (s == null) {
        return List.of();
      }
      List<InstanceView> out = new ArrayList<>(s.instances.size());
      for (Instance i : s.instances) {
        boolean running = i.process != null && i.process.isAlive();
        InstanceView.State state;
        String reason = null;
        String message = null;
        if (i.stopping) {
          state = InstanceView.State.TERMINATING;
        } else if (capacity.pending(i)) {
          state = InstanceView.State.PENDING;
          reason = "Unschedulable";
          message = capacity.unschedulable(i);
        } else if (i.awaitingImage) {
          state = InstanceView.State.WAITING;
          boolean failed = !s.pulling && s.failing != null;
          reason =
              !failed
                  ? "ContainerCreating"
                  : "ErrImageNeverPull".equals(s.pullReason) ? s.pullReason : "ImagePullBackOff";
          message = failed ? s.failing : null;
        } else if (i.ready) {
          state = InstanceView.State.READY;
        } else if (running) {
          state = InstanceView.State.STARTING;
        } else if (i.configError != null) {
          state = InstanceView.State.WAITING;
          reason = EnvResolver.ConfigError.REASON;
          message = i.configError;
        } else if (i.restart != null && !i.restart.isDone()) {
          state = InstanceView.State.WAITING;
          reason = "CrashLoopBackOff";
          message = s.failing;
        } else {
          state = InstanceView.State.WAITING;
          reason = "ContainerCreating";
        }
        String image = null;
        if (i.container) {
          String name = s.revision.spec().container().getImage();
          image = s.imageId == null ? name : name + "@" + shortId(s.imageId);
        }
        Instant startedAt =
            running && i.process != null
                ? i.process.toHandle().info().startInstant().orElse(null)
                : null;
        out.add(
            new InstanceView(
                i.id,
                i.instanceClass,
                i.container ? "container" : "process",
                image,
                state,
                reason,
                message,
                i.port > 0 ? i.port : null,
                i.restarts,
                startedAt,
                i.lastExit));
      }
      return out;
    }
  }

  private static String shortId(String id) {
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
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
    pulls.shutdownNow();
    engineWork.shutdownNow();
    // whatever container outlived its run process (killed past the grace) goes now
    engine.ifPresent(e -> reapContainers(e, stateDir));
    try {
      VolumeFiles.delete(volumesRoot());
    } catch (IOException e) {
      // removed at the next start
    }
  }

  // ---- ConfigMaps, Secrets and volumes ----

  /**
   * A ConfigMap or Secret an instance needs is missing: the instance is not started (Kubernetes'
   * CreateContainerConfigError), and is tried again with backoff, or at once when the objects
   * change.
   */
  private void configError(Supervised s, Instance i, String message) {
    i.process = null;
    i.ready = false;
    cancelProbe(i);
    i.configError = message;
    i.configAttempts++;
    Duration delay = backoff.delay(i.configAttempts);
    s.failing =
        "instance "
            + i.id
            + ": "
            + EnvResolver.ConfigError.REASON
            + ": "
            + message
            + "; retrying in "
            + delay.toMillis()
            + "ms, or when the manifests change";
    notifyChange(s);
    if (closed) {
      return;
    }
    i.restart =
        schedule(
            () -> {
              synchronized (lock) {
                if (!i.stopping && !closed && i.configError != null && s.instances.contains(i)) {
                  start(s, i);
                  notifyChange(s);
                }
              }
            },
            delay);
  }

  /** Retries instances waiting for an object, and updates the volumes of running containers. */
  private void onConfigChange(Set<ConfigObject.Key> changed) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (Supervised s : List.copyOf(revisions.values())) {
        Set<ConfigObject.Key> used =
            VolumeLayout.sources(s.revision.spec().podSpec(), s.revision.namespace());
        boolean volumesChanged = used.stream().anyMatch(changed::contains);
        for (Instance i : List.copyOf(s.instances)) {
          if (i.stopping) {
            continue;
          }
          if (i.configError != null) {
            if (i.restart != null) {
              i.restart.cancel(false);
            }
            i.configAttempts = 0;
            start(s, i);
          } else if (volumesChanged && i.container && i.process != null && i.process.isAlive()) {
            refreshVolumes(s, i);
          }
        }
        notifyChange(s);
      }
    }
  }

  /**
   * Writes a running container's configMap, secret and projected volumes anew (its env stays as
   * started, as on Kubernetes); a missing object leaves the files as they were.
   */
  private void refreshVolumes(Supervised s, Instance i) {
    Path log = logFile(s.revision, i.id);
    try {
      for (Volume v : s.revision.spec().podSpec().getVolumes()) {
        if (v.getEmptyDir() != null) {
          continue;
        }
        VolumeLayout.Planned planned = VolumeLayout.plan(v, s.revision.namespace(), objects::get);
        if (VolumeFiles.write(
            volumeDir(s, i, v.getName()), planned.files(), volumeVersion.incrementAndGet())) {
          Files.writeString(
              log,
              "pilotlight: volume " + v.getName() + " updated\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
      }
    } catch (EnvResolver.ConfigError | IOException e) {
      try {
        Files.writeString(
            log,
            "pilotlight: volumes not updated: " + e.getMessage() + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException ignored) {
        // the log is best effort
      }
    }
  }

  /** Lays out an instance's volumes before its container starts. */
  private void materialise(Supervised s, Instance i, List<VolumeLayout.Planned> volumes, Path log)
      throws IOException {
    for (VolumeLayout.Planned v : volumes) {
      Path dir = volumeDir(s, i, v.name());
      if (v.emptyDir()) {
        if (v.memory()) {
          continue; // a tmpfs of the engine's
        }
        Files.createDirectories(dir); // kept across restarts of the instance, as a pod's
        for (var m : s.revision.spec().container().getVolumeMounts()) {
          if (m.getName().equals(v.name()) && m.getSubPath() != null && !m.getSubPath().isEmpty()) {
            Files.createDirectories(dir.resolve(m.getSubPath()).normalize());
          }
        }
        if (v.sizeLimitBytes() >= 0) {
          Files.writeString(
              log,
              "pilotlight: emptyDir "
                  + v.name()
                  + ": sizeLimit is enforced for medium Memory only (a tmpfs); this one is a"
                  + " directory on disk\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        continue;
      }
      VolumeFiles.write(dir, v.files(), volumeVersion.incrementAndGet());
    }
  }

  private Path volumesRoot() {
    return stateDir.resolve("volumes");
  }

  private Path volumeDir(Supervised s, Instance i, String volume) {
    return volumesRoot().resolve(s.revision.namespace()).resolve(i.id).resolve(volume);
  }

  private void deleteVolumes(Supervised s, Instance i) {
    try {
      VolumeFiles.delete(volumesRoot().resolve(s.revision.namespace()).resolve(i.id));
    } catch (IOException e) {
      // removed at the next start
    }
  }

  private static String nodeName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
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
    i.generation++;
    i.plan = null;
    i.machine = null;
    i.sidecars.clear();
    i.sidecarsStarted = false;
    i.startedNanos = ticker.nanoTime();
    i.container = LocalRuntimes.container(s.revision) && engine.isPresent();
    if (i.container && s.imageId == null) {
      // the revision's image first: resolved once (pulled if its policy says so), then run by id
      i.process = null;
      i.awaitingImage = true;
      pullImage(s);
      return;
    }
    i.awaitingImage = false;
    ProcessSpecs.ProcessSpec spec;
    Map<Container, PodPlans.SidecarInputs> sidecarInputs = new IdentityHashMap<>();
    i.configError = null;
    try {
      i.port = freePort();
      EnvResolver.Sources sources =
          new EnvResolver.Sources(objects::get, EnvResolver.Fields.of(s.revision, i.id, nodeName));
      Path log = logFile(s.revision, i.id);
      Files.createDirectories(log.getParent());
      try {
        if (i.container) {
          List<VolumeLayout.Planned> volumes =
              VolumeLayout.plan(s.revision.spec().podSpec(), s.revision.namespace(), objects::get);
          materialise(s, i, volumes, log);
          List<String> mounts =
              VolumeLayout.mountArgs(
                  s.revision.spec().container(), volumes, name -> volumeDir(s, i, name));
          for (Container c : s.revision.spec().containers()) {
            if (c != s.revision.spec().container()) { // a sidecar: its env and mounts as well
              sidecarInputs.put(
                  c,
                  new PodPlans.SidecarInputs(
                      EnvResolver.resolve(c, s.revision.namespace(), Map.of(), sources).env(),
                      VolumeLayout.mountArgs(c, volumes, name -> volumeDir(s, i, name))));
            }
          }
          spec =
              ContainerSpecs.build(
                  s.revision,
                  i.port,
                  engine.get(),
                  owner,
                  i.id,
                  i.instanceClass,
                  s.reserve,
                  cwd,
                  sources,
                  mounts,
                  s.imageId);
        } else {
          spec =
              ProcessSpecs.build(
                  s.revision,
                  i.port,
                  System.getenv(),
                  extraEnv,
                  binDir,
                  cwd,
                  i.instanceClass,
                  sources);
        }
      } catch (EnvResolver.ConfigError e) {
        configError(s, i, e.getMessage());
        return;
      }
      for (String w : spec.warnings()) {
        Files.writeString(
            log, "pilotlight: " + w + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
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
      if (i.container) {
        PodPlans.Plan plan =
            PodPlans.plan(
                s.revision,
                spec.command(),
                engine.get(),
                owner,
                i.id,
                i.port,
                c -> sidecarInputs.getOrDefault(c, PodPlans.SidecarInputs.literal(c)));
        i.plan = plan;
        command = plan.serving().command();
        if (plan.needsPreparation()) {
          // a pod to create or an image to inspect first: off the lock, bounded
          int generation = i.generation;
          Path workingDir = spec.workingDir();
          engineWork.execute(() -> prepare(s, i, generation, plan, workingDir, log));
          return;
        }
      }
      launch(s, i, command, spec.workingDir(), i.container ? null : spec.env(), log);
    } catch (IOException | RuntimeException e) {
      i.process = null;
      crashed(s, i, "cannot start: " + e.getMessage());
    }
  }

  /**
   * Resolves the revision's image off the scheduler, once at a time; when it is there, starts the
   * instances waiting for it; when it cannot be had, says why ({@code ErrImagePull}, {@code
   * ErrImageNeverPull}) and tries again after a backoff, as the kubelet's ImagePullBackOff.
   */
  private void pullImage(Supervised s) {
    if (s.pulling || closed || puller.isEmpty()) {
      return;
    }
    s.pulling = true;
    Container c = s.revision.spec().container();
    Path log = pullLog(s.revision);
    long started = ticker.nanoTime();
    LOG.info("Revision {}: resolving image {}", s.revision.key(), c.getImage());
    try {
      pulls.execute(
          () -> {
            ImagePuller.Result result =
                puller.get().resolve(c.getImage(), c.getImagePullPolicy(), log);
            synchronized (lock) {
              imageResolved(s, result, log, started);
            }
          });
    } catch (RejectedExecutionException e) {
      s.pulling = false; // closing
    }
  }

  private void imageResolved(Supervised s, ImagePuller.Result result, Path log, long started) {
    s.pulling = false;
    if (closed) {
      return;
    }
    String image = s.revision.spec().container().getImage();
    if (result.ok()) {
      LOG.info(
          "Revision {}: image {} is {} ({} ms)",
          s.revision.key(),
          image,
          result.imageId(),
          Duration.ofNanos(ticker.nanoTime() - started).toMillis());
      s.imageId = result.imageId();
      s.pullReason = null;
      s.pullFailures = 0;
      s.failing = null;
      for (Instance i : List.copyOf(s.instances)) {
        if (i.awaitingImage && !i.stopping) {
          start(s, i);
        }
      }
      notifyChange(s);
      return;
    }
    s.pullFailures++;
    s.pullReason = result.reason();
    Duration delay = backoff.delay(s.pullFailures);
    s.failing =
        result.reason()
            + ": "
            + result.message()
            + "; retrying in "
            + delay.toMillis()
            + "ms (ImagePullBackOff); see "
            + log;
    notifyChange(s);
    schedule(
        () -> {
          synchronized (lock) {
            if (s.instances.stream().anyMatch(i -> i.awaitingImage && !i.stopping)) {
              pullImage(s);
            }
          }
        },
        delay);
  }

  /**
   * Runs what must precede an instance's containers (the {@code runAsNonRoot} image checks, the
   * pod's creation) on an engine worker, then launches them, unless the instance moved on
   * meanwhile.
   */
  private void prepare(
      Supervised s, Instance i, int generation, PodPlans.Plan plan, Path workingDir, Path log) {
    String failure = plan.refusal();
    for (PodPlans.NonRootCheck check : plan.nonRootChecks()) {
      if (failure != null) {
        break;
      }
      EngineResult r =
          engineRun(
              engine.get(),
              List.of("image", "inspect", "--format", "{{.Config.User}}", check.image()));
      failure =
          r.code() != 0
              ? "container "
                  + check.container()
                  + ": cannot inspect image "
                  + check.image()
                  + " to verify runAsNonRoot (is it pulled?): "
                  + r.output()
              : PodPlans.nonRootRefusal(check.container(), check.image(), r.output());
    }
    boolean setUp = false;
    for (List<String> step : plan.setup()) {
      if (failure != null) {
        break;
      }
      setUp = true;
      EngineResult r = engineRun(engine.get(), step);
      if (r.code() != 0) {
        failure = String.join(" ", step.subList(0, 2)) + " failed: " + r.output();
      }
    }
    synchronized (lock) {
      boolean current = i.generation == generation && !i.stopping && !closed;
      if (!current || failure != null) {
        if (setUp) {
          engineCall(plan.teardown());
        }
        if (current) {
          crashed(s, i, failure);
        }
        return;
      }
      try {
        launch(s, i, plan.serving().command(), workingDir, null, log);
      } catch (IOException | RuntimeException e) {
        i.process = null;
        engineCall(plan.teardown());
        crashed(s, i, "cannot start: " + e.getMessage());
      }
      notifyChange(s);
    }
  }

  /** Starts the instance's (serving) process, its sidecars and its probes (under lock). */
  private void launch(
      Supervised s,
      Instance i,
      List<String> command,
      Path workingDir,
      Map<String, String> env,
      Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(workingDir.toFile());
    if (env != null) { // the engine's CLI keeps this process's environment (its config, HOME)
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    i.process = p;
    PidFiles.write(stateDir, i.id, p.toHandle());
    p.onExit().thenAccept(exited -> onExit(s, i, exited));
    PodPlans.Plan plan = i.plan;
    if (plan != null && !plan.sidecars().isEmpty()) {
      if (plan.sidecarsAfterServing()) {
        int generation = i.generation;
        engineWork.execute(() -> sidecarsOnceServingRuns(s, i, generation, workingDir));
      } else {
        startSidecars(s, i, workingDir);
      }
    } else {
      i.sidecarsStarted = true;
    }
    startProbes(s, i);
  }

  /** Starts each sidecar's foreground {@code run}, its output in its own log (under lock). */
  private void startSidecars(Supervised s, Instance i, Path workingDir) {
    int generation = i.generation;
    for (PodPlans.Launch l : i.plan.sidecars()) {
      try {
        Path log = logFile(s.revision, i.id + "." + l.container());
        ProcessBuilder pb = new ProcessBuilder(l.command()).directory(workingDir.toFile());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        i.sidecars.add(p);
        p.onExit().thenAccept(exited -> onSidecarExit(s, i, generation, l, exited));
      } catch (IOException e) {
        failInstance(s, i, "container " + l.container() + " cannot start: " + e.getMessage());
        return;
      }
    }
    i.sidecarsStarted = true;
    notifyChange(s);
  }

  /**
   * On Docker a sidecar joins the serving container's network namespace, which must exist first:
   * waits until the serving container runs, then starts the sidecars.
   */
  private void sidecarsOnceServingRuns(Supervised s, Instance i, int generation, Path workingDir) {
    boolean running = awaitRunning(i, generation);
    synchronized (lock) {
      if (i.generation != generation || i.stopping || closed) {
        return;
      }
      if (running) {
        startSidecars(s, i, workingDir);
      } else {
        failInstance(
            s,
            i,
            "container "
                + i.plan.serving().container()
                + " did not run within "
                + RUNNING_WAIT.toSeconds()
                + "s: sidecars cannot join it");
      }
    }
  }

  /**
   * Startup and liveness probes restart an instance that fails them, so for a container they start
   * once the engine says the container runs (as the kubelet probes a started container), their
   * initial delays counted from then; the engine's own start is no probe failure.
   */
  private void restartingProbesOnceRunning(Supervised s, Instance i, int generation) {
    boolean running = awaitRunning(i, generation);
    synchronized (lock) {
      if (i.generation != generation || i.stopping || closed || i.machine == null) {
        return;
      }
      if (!running) {
        failInstance(
            s,
            i,
            "container "
                + i.plan.serving().container()
                + " did not run within "
                + RUNNING_WAIT.toSeconds()
                + "s");
        return;
      }
      i.machine.running(ticker.nanoTime());
      for (Kind k : List.of(Kind.STARTUP, Kind.LIVENESS)) {
        if (i.machine.active(k)) {
          scheduleProbe(s, i, k, null);
        }
      }
    }
  }

  /**
   * Waits (bounded by {@link #RUNNING_WAIT}, off the lock) until the engine says the instance's
   * serving container runs; false when it does not, or the instance moved on.
   */
  private boolean awaitRunning(Instance i, int generation) {
    String name;
    synchronized (lock) {
      name = i.plan.serving().engineName();
    }
    long deadline = System.nanoTime() + RUNNING_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (lock) {
        if (i.generation != generation || i.stopping || closed) {
          return false;
        }
      }
      EngineResult r =
          engineRun(
              engine.get(),
              List.of("container", "inspect", "--format", "{{.State.Running}}", name));
      if (r.code() == 0 && r.output().trim().equals("true")) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private void onSidecarExit(
      Supervised s, Instance i, int generation, PodPlans.Launch l, Process exited) {
    synchronized (lock) {
      if (i.generation != generation || i.stopping || closed) {
        return;
      }
      // Kubernetes would restart this container alone; local mode restarts the whole instance
      failInstance(s, i, "container " + l.container() + " exited with code " + exited.exitValue());
    }
  }

  /**
   * Takes a running instance down (its containers stopped within the grace, or its process
   * terminated) and restarts it as a crash, counted as a restart with {@code why} as the failing
   * message (under lock).
   */
  private void failInstance(Supervised s, Instance i, String why) {
    Process p = i.process;
    if (i.exit == null && p != null) {
      i.exit = new InstanceView.LastExit(143, "Error", why); // stopped as the kubelet stops it
    }
    i.process = null; // its exit, when it comes, is stale
    if (p != null) {
      PidFiles.delete(stateDir, i.id);
    }
    if (i.container && i.plan != null) {
      long graceSeconds = Math.max(1, stopGrace.toSeconds());
      engineCall(i.plan.stop(graceSeconds));
    } else if (p != null && p.isAlive()) {
      p.destroy();
    }
    if (p != null) {
      schedule(
          () -> {
            if (p.isAlive()) {
              kill(p);
            }
          },
          stopGrace.plusSeconds(10));
    }
    crashed(s, i, why);
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
      deleteVolumes(s, i);
      if (i.container && i.plan != null && i.plan.pod() != null) {
        engineCall(i.plan.teardown()); // a pod prepared for a launch that never came
      }
      return;
    }
    if (i.container && i.plan != null) {
      // the engine sends SIGTERM, waits the grace, then kills; its run processes exit after
      PodPlans.Plan plan = i.plan;
      long graceSeconds = Math.max(1, stopGrace.toSeconds());
      engineCall(plan.stop(graceSeconds));
      schedule(
          () -> {
            if (p.isAlive()) {
              kill(p);
              engineCall(plan.teardown());
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
        deleteVolumes(s, i);
        if (s.deleted && s.instances.isEmpty()) {
          revisions.remove(s.revision.key());
        }
        notifyChange(s, true); // its pod goes now
        if (capacity.release(i)) {
          admit(); // its requests are free: pending instances of any revision may start
        }
        return;
      }
      int code = exited.exitValue();
      i.exit =
          new InstanceView.LastExit(
              code, code == 0 ? "Completed" : "Error", "exited with code " + code);
      if (i.container && i.plan != null && (i.plan.pod() != null || !i.sidecars.isEmpty())) {
        i.process = null;
        failInstance(s, i, "exited with code " + code);
        return;
      }
      crashed(s, i, "exited with code " + code);
    }
  }

  private void crashed(Supervised s, Instance i, String why) {
    // what ended it: its exit as recorded (an exit, or a kill by failInstance), else a failed start
    i.lastExit = i.exit != null ? i.exit : new InstanceView.LastExit(128, "StartError", why);
    i.exit = null;
    i.ready = false;
    i.generation++; // whatever still runs for the instance's last start is stale
    cancelProbe(i);
    s.crashes++;
    s.restarts++;
    i.restarts++;
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

  // ---- probes ----

  /**
   * Builds the instance's probes (the serving container's readiness, liveness and startup probes;
   * exec ones through the engine) and schedules the ones that run first (under lock).
   */
  private void startProbes(Supervised s, Instance i) {
    Container c = s.revision.spec().container();
    Protocol protocol = s.revision.spec().protocol();
    ContainerEngine e = i.container ? engine.get() : null;
    String name = i.plan == null ? null : i.plan.serving().engineName();
    i.checks[Kind.READINESS.ordinal()] = ProbeCheck.of(c.getReadinessProbe(), protocol, e, name);
    i.checks[Kind.LIVENESS.ordinal()] =
        c.getLivenessProbe() == null
            ? null
            : ProbeCheck.of(c.getLivenessProbe(), protocol, e, name);
    i.checks[Kind.STARTUP.ordinal()] =
        c.getStartupProbe() == null ? null : ProbeCheck.of(c.getStartupProbe(), protocol, e, name);
    boolean spawns = i.checks[Kind.READINESS.ordinal()].spawns();
    i.machine =
        new ProbeMachine(
            c.getStartupProbe() == null
                ? null
                : ProbeMachine.Timing.of(c.getStartupProbe(), Kind.STARTUP),
            c.getLivenessProbe() == null
                ? null
                : ProbeMachine.Timing.of(c.getLivenessProbe(), Kind.LIVENESS),
            ProbeMachine.Timing.of(c.getReadinessProbe(), Kind.READINESS),
            spawns ? STARTING_EXEC_PROBE_INTERVAL : STARTING_PROBE_INTERVAL,
            i.startedNanos);
    boolean awaitEngine =
        i.container && (c.getStartupProbe() != null || c.getLivenessProbe() != null);
    for (Kind k : Kind.values()) {
      if (i.machine.active(k) && !(awaitEngine && k != Kind.READINESS)) {
        scheduleProbe(s, i, k, null);
      }
    }
    if (awaitEngine) {
      int generation = i.generation;
      engineWork.execute(() -> restartingProbesOnceRunning(s, i, generation));
    }
  }

  private void scheduleProbe(Supervised s, Instance i, Kind kind, Long lastNanos) {
    long delay = Math.max(0, i.machine.nextAt(kind, lastNanos) - ticker.nanoTime());
    int generation = i.generation;
    i.probes[kind.ordinal()] =
        schedule(() -> probe(s, i, kind, generation), Duration.ofNanos(delay));
  }

  private void probe(Supervised s, Instance i, Kind kind, int generation) {
    ProbeCheck check;
    boolean wasReady;
    synchronized (lock) {
      if (i.generation != generation || i.stopping || i.process == null || !i.process.isAlive()) {
        return;
      }
      if (!i.sidecarsStarted) {
        // a pod is ready when all its containers are: not before the sidecars run (Docker)
        scheduleProbe(s, i, kind, ticker.nanoTime());
        return;
      }
      check = i.checks[kind.ordinal()];
      wasReady = i.ready;
    }
    if (check.spawns()) {
      // an engine exec waits on a process: not on the scheduler's threads
      try {
        engineWork.execute(() -> probed(s, i, kind, generation, check, wasReady));
      } catch (RejectedExecutionException closing) {
        // closing
      }
      return;
    }
    probed(s, i, kind, generation, check, wasReady);
  }

  private void probed(
      Supervised s, Instance i, Kind kind, int generation, ProbeCheck check, boolean wasReady) {
    Duration limit =
        kind == Kind.READINESS && !wasReady
            ? STARTING_PROBE_TIMEOUT
            : i.machine.timing(kind).timeout();
    ProbeCheck.Result result = check.check(i.port, limit);
    synchronized (lock) {
      if (i.generation != generation || i.stopping || i.process == null) {
        return;
      }
      ProbeMachine.Outcome outcome = i.machine.record(kind, result.ok(), result.detail());
      switch (outcome) {
        case READY -> {
          i.ready = true;
          s.crashes = 0;
          s.failing = null;
          notifyChange(s);
        }
        case NOT_READY -> {
          i.ready = false;
          notifyChange(s);
        }
        case STARTED -> {
          for (Kind k : List.of(Kind.LIVENESS, Kind.READINESS)) {
            if (i.machine.active(k)) {
              scheduleProbe(s, i, k, null);
            }
          }
          notifyChange(s);
        }
        case RESTART -> {
          failInstance(s, i, i.machine.reason());
          return;
        }
        default -> {}
      }
      if (i.machine.active(kind)) {
        scheduleProbe(s, i, kind, ticker.nanoTime());
      }
    }
  }

  private void notifyChange(Supervised s) {
    notifyChange(s, false);
  }

  /**
   * Tells the listener of the revision's instances when they changed, or always when {@code always}
   * (an instance gone that the set no longer showed: a stopped one has exited).
   */
  private void notifyChange(Supervised s, boolean always) {
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
        if (i.process != null && i.process.isAlive() && gatewayMayProbe(i)) {
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
    if (always || !set.equals(previous)) {
      try {
        listener.onInstances(set);
      } catch (RuntimeException e) {
        // the listener's problem; our state stays consistent
      }
    }
  }

  /**
   * Whether the gateway may probe a starting instance itself and route to it on success: only when
   * its readiness is an HTTP or TCP check of the serving port, its startup probe (if any) has
   * succeeded and its sidecars run.
   */
  private static boolean gatewayMayProbe(Instance i) {
    ProbeCheck readiness = i.checks[Kind.READINESS.ordinal()];
    return i.machine != null
        && i.machine.started()
        && i.sidecarsStarted
        && readiness != null
        && readiness.gatewayCanProbe();
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
    for (int k = 0; k < i.probes.length; k++) {
      if (i.probes[k] != null) {
        i.probes[k].cancel(false);
        i.probes[k] = null;
      }
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  private Path logFile(Revision r, String instanceId) {
    return logFile(r.key(), instanceId).orElseThrow();
  }

  @Override
  public Optional<Path> logFile(RevisionKey revision, String instanceId) {
    return Optional.of(
        stateDir
            .resolve("logs")
            .resolve(revision.namespace())
            .resolve(revision.name())
            .resolve(instanceId + ".log")
            .toAbsolutePath());
  }

  private Path pullLog(Revision r) {
    return stateDir.resolve("logs").resolve(r.namespace()).resolve(r.name()).resolve("pull.log");
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
    String imageId;
    String pullReason;
    boolean pulling;
    int pullFailures;
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
    boolean awaitingImage;
    long restarts;
    Process process;
    boolean ready;
    boolean stopping;
    long startedNanos;
    String configError;

    /** How the process being crashed ended, set just before {@link #crashed}. */
    InstanceView.LastExit exit;

    /** How the previous process ended, null before any crash. */
    InstanceView.LastExit lastExit;

    int configAttempts;
    ScheduledFuture<?> restart;

    /** Bumped by every start and crash: work for an earlier start finds itself stale. */
    int generation;

    /** A container instance's plan (its pod, sidecars, stop and removal); null for a process. */
    PodPlans.Plan plan;

    /** The sidecars' run processes of the current start. */
    final List<Process> sidecars = new ArrayList<>();

    boolean sidecarsStarted;
    ProbeMachine machine;
    final ProbeCheck[] checks = new ProbeCheck[Kind.values().length];
    final ScheduledFuture<?>[] probes = new ScheduledFuture<?>[Kind.values().length];

    Instance(Supervised owner, String id, InstanceClass instanceClass) {
      this.owner = owner;
      this.sequence = owner.sequence + owner.reserveSequence;
      this.id = id;
      this.instanceClass = instanceClass;
    }
  }
}
