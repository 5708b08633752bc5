package dev.pilotlight.cli.local;

import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.feed.GatewayFeed;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.config.KnativeConfigs;
import dev.pilotlight.api.config.LiveServingConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.naming.Names;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.autoscaler.shell.AutoscalerShell;
import dev.pilotlight.cli.ClientLimitsOptions;
import dev.pilotlight.cli.DurationConverter;
import dev.pilotlight.cli.TransportOption;
import dev.pilotlight.cli.admin.AdminServer;
import dev.pilotlight.cli.logging.Logging;
import dev.pilotlight.cli.logging.LoggingOptions;
import dev.pilotlight.controller.kubernetes.Controller;
import dev.pilotlight.controller.kubernetes.ControllerSettings;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.local.ManifestApplier;
import dev.pilotlight.controller.local.ObjectEvents;
import dev.pilotlight.controller.node.NodeAgent;
import dev.pilotlight.controller.runtime.capacity.CapacitySettings;
import dev.pilotlight.controller.runtime.config.LocalConfigObjects;
import dev.pilotlight.controller.runtime.local.ContainerEngine;
import dev.pilotlight.controller.runtime.local.ProcessRuntime;
import dev.pilotlight.controller.status.StoreStatus;
import dev.pilotlight.controller.store.LabelSelectors;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.controller.store.StoreReads;
import dev.pilotlight.controller.store.StoreSource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.MDC;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight local}: gateway, autoscaler and controller in one JVM, instances as local
 * processes or containers, desired state from watched manifest files (ConfigMaps and Secrets among
 * them, held in a {@link LocalConfigObjects}). Runs until SIGINT/SIGTERM, then stops every instance
 * it started.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Run Pilotlight locally: serve the Services in FILE|DIR through a gateway, watching the files for edits.")
public final class LocalCommand implements Callable<Integer> {

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE|DIR",
      description =
          "Manifest files, or directories of *.yaml/*.yml: Services, Configurations, Routes, and"
              + " the v1 ConfigMaps and Secrets their containers read (env, envFrom, volumes).")
  List<Path> paths;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Gateway port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--address",
      defaultValue = "127.0.0.1",
      description =
          "Gateway bind address (default: ${DEFAULT-VALUE}; 0.0.0.0 to serve the network).")
  String address;

  @Option(
      names = "--container-engine",
      paramLabel = "podman|docker|PATH",
      defaultValue = "auto",
      description =
          "What runs a revision whose container names an image: podman, docker, a path to"
              + " either, or auto (the first of podman and docker on PATH; default). A template"
              + " annotated pilotlight.dev/local-runtime: process runs its command as a host"
              + " process instead.")
  String containerEngine;

  @Option(
      names = "--capacity",
      paramLabel = "cpu=N,memory=Q",
      description =
          "The local node's allocatable CPU and memory, Kubernetes quantities (e.g. cpu=2,memory=4Gi;"
              + " either or both). An instance starts only when its requests fit in what is free;"
              + " one that does not stays Pending (Unschedulable) until capacity frees. Default:"
              + " this machine's cores and physical memory.")
  String capacity;

  @Option(
      names = "--instance-request",
      paramLabel = "cpu=N,memory=Q",
      description =
          "What an instance requests for a resource its containers' resources.requests do not"
              + " name (default: cpu=500m,memory=256Mi).")
  String instanceRequest;

  @Option(
      names = "--admin-port",
      defaultValue = "9090",
      description = "Admin port, 127.0.0.1 only (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(
      names = "--domain",
      defaultValue = "localhost",
      description = "Domain of route hosts (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(
      names = "--state-dir",
      defaultValue = ".pilotlight",
      description = "State directory: revision history, logs (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--scale-to-zero-grace",
      converter = DurationConverter.class,
      description = "Knative's scale-to-zero-grace-period (default: from --config, else 30s).")
  Duration scaleToZeroGrace;

  @Option(
      names = "--config",
      paramLabel = "FILE|DIR",
      description =
          "Knative's ConfigMaps (YAML files, or directories of them; repeatable): config-autoscaler,"
              + " config-defaults, config-features, config-deployment. Knative's stock files are"
              + " accepted unchanged.")
  List<Path> configFiles = new ArrayList<>();

  @Option(
      names = "--deployment-config",
      paramLabel = "FILE",
      description =
          "Knative's config-deployment ConfigMap (YAML); its progress-deadline is every revision's"
              + " default (default: 600s).")
  Path deploymentConfigFile;

  @Option(
      names = "--watch-interval",
      defaultValue = "500ms",
      converter = DurationConverter.class,
      description = "How often manifest files are checked for edits (default: ${DEFAULT-VALUE}).")
  Duration watchInterval;

  @Mixin TransportOption transportOption;

  @Mixin ClientLimitsOptions clientLimits;

  @Mixin dev.pilotlight.cli.tls.LocalTlsOptions tls;

  @Mixin LoggingOptions logging;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    logging.apply("local");
    PrintWriter err = logging.errors();
    CapacitySettings node;
    try {
      node = CapacitySettings.parse(capacity, instanceRequest);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    Events events = new Events();
    Files.createDirectories(stateDir);
    int reaped = ProcessRuntime.reapOrphans(stateDir);
    if (reaped > 0) {
      events.event("stopped " + reaped + " instance(s) left behind by an earlier run");
    }
    Optional<ContainerEngine> engine;
    try {
      engine = ContainerEngine.find(containerEngine, System.getenv());
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    if (engine.isPresent()) {
      int containers = ProcessRuntime.reapContainers(engine.get(), stateDir);
      if (containers > 0) {
        events.event("removed " + containers + " container(s) left behind by an earlier run");
      }
    }

    KnativeConfigs configs;
    LiveAutoscalerConfig liveConfig;
    try {
      configs = KnativeConfigs.read(configFiles);
      liveConfig = liveConfig(configs);
    } catch (ValidationException | IOException e) {
      err.println("invalid --config " + configFiles + ":\n" + e.getMessage());
      return 1;
    }
    AutoscalerConfig autoscalerConfig = liveConfig.current();
    LiveServingConfig liveServing =
        new LiveServingConfig(new ServingConfig(configs.features(), configs.defaults()));
    ManifestReader reader =
        new ManifestReader(
            new Validator(liveConfig::current, liveServing::current, Validator.Mode.LOCAL));
    Map<Path, ManifestReader.Manifest> initial = readAll(reader, err);
    if (initial == null) {
      return 1;
    }

    Ticker ticker = Ticker.system();
    Clock clock = Clock.systemUTC();
    ObjectStore store;
    try {
      store = ObjectStore.open(StoreOptions.persistent(stateDir));
    } catch (RuntimeException e) {
      err.println("cannot open the object store in " + stateDir + ": " + rootMessage(e));
      return 1;
    }
    List<AutoCloseable> toClose = new ArrayList<>();
    ScheduledExecutorService autoscalerLoop = single("pilotlight-autoscaler");
    ScheduledExecutorService runtimeLoop =
        Executors.newScheduledThreadPool(2, daemon("pilotlight-runtime"));
    ScheduledExecutorService agentLoop = single("pilotlight-node-agent");
    ScheduledExecutorService requeue = single("pilotlight-controller-requeue");
    ScheduledExecutorService watchLoop = single("pilotlight-watch");

    // the autoscaler's shell over the store: PodAutoscalers in, status.desiredScale out
    AutoscalerShell autoscaler =
        new AutoscalerShell(
            new StoreSource<>(store, PodAutoscalerResource.class),
            (key, desired) ->
                store.mergeStatusFields(
                    PodAutoscalerResource.class,
                    new ObjectKey(key.namespace(), key.name()),
                    Map.of("desiredScale", desired)),
            autoscalerConfig,
            autoscalerConfig.tickInterval(),
            autoscalerLoop,
            ticker);
    Gateway gateway =
        new Gateway(
            GatewayConfig.defaults(address, port)
                .withTransport(transportOption.resolve(spec))
                .withClientLimits(clientLimits.resolve(spec)),
            autoscaler.stats(),
            ticker);

    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              events.event("shutting down: stopping instances");
              closeAll(toClose);
              runtimeLoop.shutdownNow();
              autoscalerLoop.shutdownNow();
              agentLoop.shutdownNow();
              requeue.shutdownNow();
              watchLoop.shutdownNow();
              events.event("stopped");
              stopped.countDown();
            },
            "pilotlight-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    int boundPort;
    try {
      boundPort = gateway.start();
    } catch (Exception e) {
      err.println(
          "cannot listen on " + address + ":" + port + ": " + rootMessage(e) + " (use --port)");
      store.close();
      return 1;
    }
    toClose.add(gateway);
    dev.pilotlight.cli.tls.LocalTlsOptions.Started tlsStarted = null;
    if (tls.enabled()) {
      tlsStarted =
          tls.start(
              spec, gateway, stateDir, domain, watchLoop, watchInterval.toMillis(), events::event);
    }
    Path bin = InstanceShim.write(stateDir);
    LocalConfigObjects configObjects = new LocalConfigObjects();
    ProcessRuntime runtime =
        new ProcessRuntime(
            stateDir,
            ticker,
            runtimeLoop,
            Map.of(),
            bin,
            ProcessRuntime.DEFAULT_STOP_GRACE,
            engine,
            configObjects,
            node);
    // the same reconcilers as on a cluster, over the store, validating for local runtimes
    StoreReads reads = new StoreReads(store);
    ControllerSettings settings =
        ControllerSettings.defaults(domain)
            .withAutoscalerConfig(autoscalerConfig)
            .withServing(configs.features(), configs.defaults())
            .withValidation(Validator.Mode.LOCAL);
    Controller controller = new Controller(reads, store, reads, settings, clock, ticker, requeue);
    controller.reconfigure(liveServing.current());
    NodeAgent agent = new NodeAgent(store, runtime, gateway, clock, agentLoop);
    GatewayFeed feed =
        new GatewayFeed(
            new StoreSource<>(store, RouteResource.class),
            new StoreSource<>(store, RevisionResource.class),
            new StoreSource<>(
                store,
                EndpointSlice.class,
                null,
                LabelSelectors.exists(KubernetesNames.REVISION_LABEL)),
            domain,
            gateway,
            gateway);
    AutoCloseable eventLog = ObjectEvents.watch(store, events);
    AdminServer admin;
    try {
      admin =
          new AdminServer(
              adminPort,
              () ->
                  StoreStatus.of(StoreStatus.StoreObjects.of(store), domain, boundPort)
                      .withHeld(gateway::held),
              LocalMetrics.exposition(gateway, autoscaler, runtime, controller));
    } catch (BindException e) {
      err.println(
          "cannot listen on 127.0.0.1:"
              + adminPort
              + ": "
              + e.getMessage()
              + " (use --admin-port)");
      closeAll(List.of(eventLog, gateway, runtime, store));
      return 1;
    }
    int boundAdmin = admin.start();
    // closed in this order: the admin port and the watchers first, then the gateway (it drains),
    // the loops that write, the instances, and the store last
    toClose.add(0, admin);
    toClose.add(feed);
    toClose.add(autoscaler);
    toClose.add(controller);
    toClose.add(agent);
    toClose.add(eventLog);
    toClose.add(runtime);
    toClose.add(store);

    agent.start();
    autoscaler.startLeading();
    autoscaler.start().get(30, TimeUnit.SECONDS);
    controller.startReconciling();
    feed.start().get(30, TimeUnit.SECONDS);
    ManifestApplier applier = new ManifestApplier(store, events);
    ManifestWatcher watcher =
        new ManifestWatcher(
            paths,
            reader,
            (file, manifest) -> {
              events.event("applying " + file);
              applyConfigObjects(configObjects, file, manifest, events);
              applier.apply(source(file), manifest.resources());
            },
            file -> {
              events.event(file + " removed: deleting its resources");
              configObjects.removeSource(file.toString());
              applier.removeSource(source(file));
            },
            (file, message) ->
                events.event(
                    "edit refused, the last good state keeps serving:\n" + indent(message)));
    // every file applied again, then the objects of files gone since the last run are deleted (a
    // file renamed or moved hands its objects over to the new path: they keep their revisions)
    for (Map.Entry<Path, ManifestReader.Manifest> e : initial.entrySet()) {
      applyConfigObjects(configObjects, e.getKey(), e.getValue(), events);
      applier.apply(source(e.getKey()), e.getValue().resources());
      watcher.markApplied(e.getKey());
    }
    applier.retainSources(
        initial.keySet().stream().map(LocalCommand::source).collect(Collectors.toSet()));
    watcher.start(watchLoop, watchInterval.toMillis());
    toClose.add(0, watcher);
    ConfigFileWatcher configWatcher =
        new ConfigFileWatcher(
            liveConfig,
            configs.singleFiles().get(KnativeConfigs.AUTOSCALER),
            deploymentFile(configs),
            config -> {
              events.event("autoscaling config changed: applied to every revision");
              controller.reconfigure(config);
              autoscaler.reconfigure(config);
              watcher.retryRefused();
            },
            message ->
                events.event(
                    "config edit refused, the last good config stays in force:\n"
                        + indent(message)));
    configWatcher.serving(
        liveServing,
        configs.singleFiles().get(KnativeConfigs.FEATURES),
        configs.singleFiles().get(KnativeConfigs.DEFAULTS_NAME),
        serving -> {
          events.event(
              "config-features or config-defaults changed: applied (new revisions get the new"
                  + " defaults)");
          controller.reconfigure(serving);
          watcher.retryRefused();
        });
    watchLoop.scheduleWithFixedDelay(
        () -> {
          try {
            configWatcher.poll();
          } catch (RuntimeException e) {
            events.event("config watcher error: " + e);
          }
        },
        watchInterval.toMillis(),
        watchInterval.toMillis(),
        TimeUnit.MILLISECONDS);

    events.event(
        "gateway listening on http://"
            + address
            + ":"
            + boundPort
            + " ("
            + gateway.transport()
            + "), admin on http://127.0.0.1:"
            + boundAdmin);
    events.event(
        "node capacity "
            + node.allocatable()
            + "; an instance requests its containers' resources.requests, else "
            + node.instanceRequest());
    if (tlsStarted != null) {
      events.event(
          "gateway listening on https://"
              + address
              + ":"
              + tlsStarted.port()
              + " (TLS: "
              + tlsStarted.description()
              + "; ALPN h2, http/1.1)");
    }
    for (ManifestReader.Manifest m : initial.values()) {
      for (Resource r : m.resources()) {
        if (r instanceof dev.pilotlight.api.model.Service || r instanceof Route) {
          events.event(
              r.kind()
                  + " "
                  + r.namespace()
                  + "/"
                  + r.name()
                  + ": "
                  + Names.url(Names.host(r.name(), r.namespace(), domain), boundPort));
        }
      }
    }
    stopped.await();
    return 0;
  }

  /**
   * The autoscaling config from {@code --config}'s config-autoscaler and config-deployment (or
   * {@code --deployment-config}), {@code --scale-to-zero-grace} over it; their files are watched
   * while running when each has a file to itself.
   */
  private LiveAutoscalerConfig liveConfig(KnativeConfigs configs) throws IOException {
    Duration deadline = configs.autoscaler().progressDeadline();
    if (deploymentConfigFile != null) {
      try {
        deadline = DeploymentConfigs.read(deploymentConfigFile);
      } catch (ValidationException | IOException e) {
        throw new IOException(
            "invalid --deployment-config " + deploymentConfigFile + ":\n" + e.getMessage(), e);
      }
    }
    return new LiveAutoscalerConfig(
        configs.autoscaler(),
        deadline,
        c -> scaleToZeroGrace == null ? c : c.withScaleToZeroGrace(scaleToZeroGrace));
  }

  /** The file of config-deployment to watch: --deployment-config's, else --config's own. */
  private Path deploymentFile(KnativeConfigs configs) {
    return deploymentConfigFile != null
        ? deploymentConfigFile
        : configs.singleFiles().get(DeploymentConfigs.CONFIG_MAP);
  }

  /**
   * A file's ConfigMaps and Secrets, before its serving resources (so instances they start find
   * them); a refusal (a bound, an immutable object changed) keeps the file's earlier objects.
   */
  private static void applyConfigObjects(
      LocalConfigObjects objects, Path file, ManifestReader.Manifest manifest, Events events) {
    objects
        .apply(file.toString(), manifest.configObjects())
        .ifPresent(
            refusal ->
                events.event(
                    "ConfigMaps and Secrets refused, the earlier ones stay:\n" + indent(refusal)));
  }

  private Map<Path, ManifestReader.Manifest> readAll(ManifestReader reader, PrintWriter err) {
    ManifestFiles.Expansion files = ManifestFiles.expand(paths);
    boolean ok = files.problems().isEmpty();
    files.problems().forEach(err::println);
    Map<Path, ManifestReader.Manifest> resources = new LinkedHashMap<>();
    for (Path file : files.files()) {
      try {
        resources.put(file, reader.readManifest(file));
      } catch (ManifestException e) {
        err.println(e.getMessage());
        ok = false;
      }
    }
    if (ok && files.files().isEmpty()) {
      err.println("no manifest found in " + paths + " (expected: *.yaml or *.yml files)");
      ok = false;
    }
    return ok ? resources : null;
  }

  /**
   * A manifest file as the store records it (its objects' {@code pilotlight.dev/source}): the
   * absolute, normalized path, so {@code ./a.yaml} and {@code a.yaml}, or another working
   * directory, name the same file across runs.
   */
  static String source(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        Logging.events().warn("error while stopping {}: {}", c, e.toString());
      }
    }
  }

  private static String indent(String message) {
    return "  " + message.replace("\n", "\n  ");
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  private static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(daemon(name));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Logs controller events through SLF4J (logger {@value Logging#EVENTS}): a bare time-stamped line
   * in text, the revision as a field in JSON.
   */
  static final class Events implements dev.pilotlight.controller.local.ControllerEvents {
    private final Logger log = Logging.events();

    @Override
    public void event(String message) {
      log.info("{}", message);
    }

    @Override
    public void revisionEvent(String revision, String message) {
      try (MDC.MDCCloseable ignored = MDC.putCloseable(Logging.REVISION, revision)) {
        log.info("{}", message);
      }
    }
  }
}
