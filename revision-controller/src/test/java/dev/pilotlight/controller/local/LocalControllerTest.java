package dev.pilotlight.controller.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.RevisionTemplate;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.model.ServiceSpec;
import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.ScalingTargets;
import dev.pilotlight.controller.runtime.InstanceListener;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.WorkloadRuntime;
import dev.pilotlight.controller.state.RevisionHistory;
import dev.pilotlight.controller.status.StatusSnapshot;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.ManualTicker;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local control loop against fakes: no processes, no sockets. */
class LocalControllerTest {
  @TempDir Path state;

  final FakeRuntime runtime = new FakeRuntime();
  final FakeAutoscaler autoscaler = new FakeAutoscaler();
  final List<RouteTable> tables = new CopyOnWriteArrayList<>();
  final FakeEndpoints endpoints = new FakeEndpoints();
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<LocalController> controllers = new ArrayList<>();

  static RevisionKey key(String name) {
    return new RevisionKey("default", name);
  }

  static Service service(String name, String arg, List<TrafficTarget> traffic) {
    RevisionSpec spec =
        new RevisionSpec(
            List.of(new ContainerBuilder().withCommand("app", arg).build()),
            null,
            null,
            null,
            null);
    return new Service(
        "serving.pilotlight.dev/v1",
        "Service",
        ObjectMeta.named(name, "default"),
        new ServiceSpec(new RevisionTemplate(null, spec), traffic));
  }

  LocalController controller() throws Exception {
    LocalController c =
        new LocalController(
            new LocalController.Settings("localhost", 8080, AutoscalerConfig.DEFAULTS),
            runtime,
            autoscaler,
            tables::add,
            endpoints,
            new RevisionHistory(state),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            events::add);
    controllers.add(c);
    c.start().get(5, TimeUnit.SECONDS);
    return c;
  }

  @AfterEach
  void close() {
    controllers.forEach(LocalController::close);
  }

  void apply(LocalController c, Resource... resources) throws Exception {
    c.apply("file.yaml", List.of(resources)).get(5, TimeUnit.SECONDS);
  }

  void ready(LocalController c, String revision, int port) throws Exception {
    c.onInstances(
        new InstanceSet(
            key(revision),
            List.of(new Endpoint(revision + "-a", "127.0.0.1", port, InstanceClass.STANDARD)),
            0,
            null));
    c.sync().get(5, TimeUnit.SECONDS);
  }

  RouteTable lastTable() {
    return tables.get(tables.size() - 1);
  }

  @Test
  void startingInstancesArePublishedToTheGatewayWithTheReadinessProbe() throws Exception {
    LocalController c = controller();
    Service plain = service("plain", "a", List.of());
    Service probed =
        new Service(
            "serving.pilotlight.dev/v1",
            "Service",
            ObjectMeta.named("probed", "default"),
            new ServiceSpec(
                new RevisionTemplate(
                    null,
                    new RevisionSpec(
                        List.of(
                            new ContainerBuilder()
                                .withCommand("app")
                                .withReadinessProbe(
                                    new ProbeBuilder()
                                        .withNewHttpGet()
                                        .withPath("/healthz")
                                        .endHttpGet()
                                        .build())
                                .build()),
                        null,
                        null,
                        null,
                        null)),
                List.of()));
    apply(c, plain, probed);
    for (String name : List.of("plain-00001", "probed-00001")) {
      Endpoint up = new Endpoint(name + "-1", "127.0.0.1", 4001, InstanceClass.STANDARD);
      Endpoint down = new Endpoint(name + "-2", "127.0.0.1", 4002, InstanceClass.STANDARD);
      c.onInstances(new InstanceSet(key(name), List.of(up), 2, null, List.of(down)));
    }
    c.sync().get(5, TimeUnit.SECONDS);
    RevisionEndpoints p = endpoints.last.get(key("plain-00001"));
    assertThat(p.ready()).extracting(Endpoint::port).containsExactly(4001);
    assertThat(p.starting()).extracting(Endpoint::port).containsExactly(4002);
    assertThat(p.probe()).isEqualTo(ReadinessProbe.TCP);
    assertThat(endpoints.last.get(key("probed-00001")).probe())
        .isEqualTo(ReadinessProbe.http("/healthz"));
    // only ready instances count for the autoscaler and the status
    assertThat(c.status().revisions()).allMatch(r -> r.actualReplicas() == 1);
  }

  @Test
  void serviceStampsARevisionRoutesItAndScalesItByDecision() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));

    assertThat(lastTable().lookup("hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00001"), 100));
    ScalingTarget target = autoscaler.targets.get(key("hello-00001"));
    assertThat(target.routed()).isTrue();
    assertThat(target.spec().initialScale()).isEqualTo(1);

    c.onDecision(new ScaleDecision(key("hello-00001"), 2, false, 0, "test"));
    c.sync().get(5, TimeUnit.SECONDS);
    assertThat(runtime.applied).containsEntry(key("hello-00001"), 2);

    ready(c, "hello-00001", 1234);
    assertThat(endpoints.last.get(key("hello-00001")).ready())
        .extracting(Endpoint::port)
        .containsExactly(1234);
    assertThat(autoscaler.targets.get(key("hello-00001")).readyInstances()).isEqualTo(1);
    ServiceStatus status = c.status().services().get(0);
    assertThat(status.ready()).isTrue();
    assertThat(status.url()).isEqualTo("http://hello.default.localhost:8080");
    assertThat(c.status().revisions().get(0).desiredReplicas()).isEqualTo(2);
  }

  /**
   * Knative's tag-header-based-routing sample declares its Service twice in one file: the first
   * revision, then a second template with a traffic block naming the first. Applied in order, as
   * kubectl does, both revisions exist and the split holds.
   */
  @Test
  void aFileDeclaringAServiceTwiceAppliesItInOrder() throws Exception {
    LocalController c = controller();
    apply(
        c,
        service("hello", "a", List.of()),
        service(
            "hello",
            "b",
            List.of(
                TrafficTarget.revision("hello-00001", 50, "first"),
                new TrafficTarget(null, null, true, 50L, "latest"))));
    assertThat(c.status().revisions())
        .extracting(r -> r.name())
        .containsExactlyInAnyOrder("hello-00001", "hello-00002");
    ready(c, "hello-00002", 1235);
    assertThat(lastTable().lookup("first-hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00001"), 100));
  }

  @Test
  void configDefaultsGoIntoNewRevisions_andAChangeOfThemIntoLaterOnesOnly() throws Exception {
    LocalController c = controller();
    c.reconfigureDefaults(
            ServingDefaults.fromData(
                Map.of("revision-timeout-seconds", "120", "container-concurrency", "7")))
        .get(5, TimeUnit.SECONDS);
    apply(c, service("hello", "a", List.of()));
    c.reconfigureDefaults(ServingDefaults.fromData(Map.of("revision-timeout-seconds", "200")))
        .get(5, TimeUnit.SECONDS);
    apply(c, service("hello", "b", List.of()));

    for (String name : List.of("hello-00001", "hello-00002")) {
      Endpoint up = new Endpoint(name + "-1", "127.0.0.1", 4001, InstanceClass.STANDARD);
      c.onInstances(new InstanceSet(key(name), List.of(up), 1, null, List.of()));
    }
    c.sync().get(5, TimeUnit.SECONDS);
    RevisionEndpoints first = endpoints.last.get(key("hello-00001"));
    assertThat(first.timeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(first.containerConcurrency()).isEqualTo(7);
    RevisionEndpoints second = endpoints.last.get(key("hello-00002"));
    assertThat(second.timeout()).isEqualTo(Duration.ofSeconds(200));
    assertThat(second.containerConcurrency()).isZero();
  }

  @Test
  void aNewAutoscalingConfigReachesEveryRevisionsTarget() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    assertThat(autoscaler.targets.get(key("hello-00001")).spec().minScale()).isZero();

    c.reconfigure(
            dev.pilotlight.api.autoscaling.AutoscalerConfigs.fromData(
                Map.of("min-scale", "2", "stable-window", "2m")))
        .get(5, TimeUnit.SECONDS);

    ScalingTarget target = autoscaler.targets.get(key("hello-00001"));
    assertThat(target.spec().minScale()).isEqualTo(2);
    assertThat(target.spec().stableWindow()).isEqualTo(java.time.Duration.ofMinutes(2));
  }

  static String active(LocalController c) {
    return c.status().revisions().get(0).conditions().stream()
        .map(x -> x.type() + "=" + x.status() + (x.reason() == null ? "" : "/" + x.reason()))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Local status carries Knative's PodAutoscaler conditions of each revision's autoscaler. */
  @Test
  void eachRevisionsAutoscalerShowsKnativesPodAutoscalerConditions() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    assertThat(active(c))
        .as("no decision yet, none ready: activating, as Knative marks it")
        .isEqualTo("Active=Unknown/Queued Ready=Unknown/Queued ScaleTargetInitialized=Unknown");
    decide(c, "hello-00001", 1);
    assertThat(active(c))
        .isEqualTo("Active=Unknown/Queued Ready=Unknown/Queued ScaleTargetInitialized=Unknown");
    assertThat(c.status().revisions().get(0).conditions().get(0).message())
        .isEqualTo("Requests to the target are being buffered as resources are provisioned.");
    observe(c, "hello-00001", S1);
    assertThat(active(c)).isEqualTo("Active=True Ready=True ScaleTargetInitialized=True");
    assertThat(c.status().revisions().get(0).conditions().get(0).lastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    decide(c, "hello-00001", 0);
    observe(c, "hello-00001");
    assertThat(active(c))
        .isEqualTo("Active=False/NoTraffic Ready=False/NoTraffic ScaleTargetInitialized=True");
  }

  @Test
  void newRevisionTakesLatestTrafficOnlyOnceReady() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    ready(c, "hello-00001", 1);
    apply(c, service("hello", "b", List.of()));

    assertThat(events).anyMatch(e -> e.contains("stamped revision hello-00002"));
    assertThat(lastTable().lookup("hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00001"), 100));

    ready(c, "hello-00002", 2);
    assertThat(lastTable().lookup("hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00002"), 100));
    assertThat(autoscaler.targets.get(key("hello-00001")).routed()).isFalse();
  }

  @Test
  void unresolvableTrafficKeepsTheLastGoodSplitAndSaysWhy() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    ready(c, "hello-00001", 1);
    apply(
        c,
        service(
            "hello",
            "a",
            List.of(TrafficTarget.revision("hello-00009", 50, null), TrafficTarget.latest(50))));

    assertThat(lastTable().lookup("hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00001"), 100));
    ServiceStatus status = c.status().services().get(0);
    assertThat(status.ready()).isFalse();
    assertThat(status.reason()).isEqualTo("TrafficNotResolved");
    assertThat(status.message()).contains("hello-00009");
    assertThat(events).anyMatch(e -> e.contains("still serving the last good split"));
  }

  @Test
  void removingTheSourceDeletesItsRevisions() throws Exception {
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    c.removeSource("file.yaml").get(5, TimeUnit.SECONDS);

    assertThat(runtime.deleted).containsExactly(key("hello-00001"));
    assertThat(autoscaler.removed).containsExactly(key("hello-00001"));
    assertThat(endpoints.removed).containsExactly(key("hello-00001"));
    assertThat(lastTable().hosts()).isEmpty();
  }

  @Test
  void historySurvivesARestart_unroutedRestoredRevisionsStartAtZero() throws Exception {
    LocalController first = controller();
    apply(first, service("hello", "a", List.of()));
    ready(first, "hello-00001", 1);
    apply(first, service("hello", "b", List.of()));
    ready(first, "hello-00002", 2);
    first.close();

    autoscaler.targets.clear();
    LocalController second = controller();
    apply(second, service("hello", "b", List.of(TrafficTarget.revision("hello-00002", 100, null))));
    assertThat(second.status().revisions())
        .extracting(r -> r.name())
        .containsExactly("hello-00001", "hello-00002");
    assertThat(autoscaler.targets.get(key("hello-00001")).spec().initialScale()).isZero();
    assertThat(autoscaler.targets.get(key("hello-00002")).spec().initialScale()).isEqualTo(1);
    assertThat(lastTable().lookup("hello.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("hello-00002"), 100));
  }

  @Test
  void runtimeRefusalBecomesARevisionMessage() throws Exception {
    runtime.refuse = "no command";
    LocalController c = controller();
    apply(c, service("hello", "a", List.of()));
    c.onDecision(new ScaleDecision(key("hello-00001"), 1, false, 0, "test"));
    c.sync().get(5, TimeUnit.SECONDS);
    assertThat(c.status().revisions().get(0).message()).isEqualTo("no command");
    assertThat(c.status().services().get(0).reason()).isEqualTo("RevisionFailed");
  }

  // ---- the pilot light ----

  final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
  final ManualTicker ticker = new ManualTicker();

  LocalController pilotController() throws Exception {
    LocalController c =
        new LocalController(
            new LocalController.Settings("localhost", 8080, AutoscalerConfig.DEFAULTS),
            runtime,
            autoscaler,
            tables::add,
            endpoints,
            new RevisionHistory(state),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            events::add,
            (revision, id) -> inFlight.getOrDefault(id, 0),
            ticker);
    controllers.add(c);
    c.start().get(5, TimeUnit.SECONDS);
    return c;
  }

  static Service withPilotLight(String name, Map<String, String> annotations) {
    Service plain = service(name, "a", List.of());
    return new Service(
        plain.apiVersion(),
        plain.kind(),
        plain.metadata(),
        new ServiceSpec(
            new RevisionTemplate(
                new ObjectMeta(null, null, null, annotations, null),
                plain.spec().template().spec()),
            List.of()));
  }

  static final Endpoint S1 = new Endpoint("s1", "127.0.0.1", 5001, InstanceClass.STANDARD);
  static final Endpoint S2 = new Endpoint("s2", "127.0.0.1", 5002, InstanceClass.STANDARD);
  static final Endpoint R1 = new Endpoint("r1", "127.0.0.1", 5101, InstanceClass.RESERVE);

  void observe(LocalController c, String revision, Endpoint... ready) throws Exception {
    c.onInstances(new InstanceSet(key(revision), List.of(ready), 0, null));
    c.sync().get(5, TimeUnit.SECONDS);
  }

  void decide(LocalController c, String revision, int desired) throws Exception {
    c.onDecision(new ScaleDecision(key(revision), desired, false, 0, "test"));
    c.sync().get(5, TimeUnit.SECONDS);
  }

  StatusSnapshot.ReserveStatus reserveStatus(LocalController c) {
    return c.status().revisions().get(0).reserve();
  }

  @Test
  void pilotLight_theReserveTakesOverBeforeTheLastStandardInstanceStops_andLeavesOnceIdle()
      throws Exception {
    LocalController c = pilotController();
    apply(
        c,
        withPilotLight(
            "hello",
            Map.of(
                "pilotlight.dev/reserve-instance", "true",
                "pilotlight.dev/reserve-container-concurrency", "3")));
    RevisionKey rev = key("hello-00001");
    decide(c, "hello-00001", 1);
    observe(c, "hello-00001", S1);
    assertThat(runtime.applied).containsEntry(rev, 1);
    assertThat(runtime.reserve).doesNotContainKey(rev);
    assertThat(reserveStatus(c)).isEqualTo(new StatusSnapshot.ReserveStatus(true, false, "off"));
    assertThat(endpoints.last.get(rev).reserve()).isEqualTo(new RevisionEndpoints.Reserve(3, 0));

    // idle: the reserve starts, the standard instance stays until the reserve is ready
    decide(c, "hello-00001", 0);
    assertThat(runtime.reserve).containsEntry(rev, true);
    assertThat(runtime.applied).containsEntry(rev, 1);
    assertThat(reserveStatus(c).state()).isEqualTo("starting");
    observe(c, "hello-00001", S1, R1);
    assertThat(runtime.applied).containsEntry(rev, 0);
    observe(c, "hello-00001", R1);
    assertThat(reserveStatus(c)).isEqualTo(new StatusSnapshot.ReserveStatus(true, true, "ready"));
    assertThat(c.status().revisions().get(0).actualReplicas()).isZero();

    // a request at zero: standard instances start, the reserve stays meanwhile
    inFlight.put("r1", 1);
    decide(c, "hello-00001", 2);
    assertThat(runtime.applied).containsEntry(rev, 2);
    assertThat(runtime.reserve).containsEntry(rev, true);
    // the first standard instance is ready: the reserve finishes its request, then stops
    observe(c, "hello-00001", R1, S1);
    assertThat(runtime.reserve).containsEntry(rev, true);
    assertThat(reserveStatus(c).state()).isEqualTo("draining");
    inFlight.put("r1", 0);
    Await.until(
        "the reserve stopped once idle",
        Duration.ofSeconds(10),
        () -> Boolean.FALSE.equals(runtime.reserve.get(rev)));
    observe(c, "hello-00001", S1, S2);
    assertThat(reserveStatus(c)).isEqualTo(new StatusSnapshot.ReserveStatus(true, false, "off"));
    assertThat(events)
        .anyMatch(e -> e.contains("pilot light starting the reserve instance"))
        .anyMatch(e -> e.contains("pilot light reserve instance ready"))
        .anyMatch(e -> e.contains("pilot light reserve instance stopped"));

    // the next idle period brings it back
    decide(c, "hello-00001", 0);
    assertThat(runtime.reserve).containsEntry(rev, true);
    assertThat(runtime.applied).containsEntry(rev, 1);
  }

  @Test
  void pilotLight_aReserveThatNeverFinishesStopsAfterTheRequestTimeout() throws Exception {
    LocalController c = pilotController();
    apply(c, withPilotLight("hello", Map.of("pilotlight.dev/reserve-instance", "true")));
    RevisionKey rev = key("hello-00001");
    decide(c, "hello-00001", 0);
    observe(c, "hello-00001", R1);
    inFlight.put("r1", 1);
    decide(c, "hello-00001", 1);
    observe(c, "hello-00001", R1, S1);
    assertThat(reserveStatus(c).state()).isEqualTo("draining");
    ticker.advance(Duration.ofSeconds(RevisionSpec.DEFAULT_TIMEOUT_SECONDS));
    Await.until(
        "stopped at the drain limit",
        Duration.ofSeconds(10),
        () -> Boolean.FALSE.equals(runtime.reserve.get(rev)));
  }

  @Test
  void pilotLight_anUnroutedRevisionKeepsNoReserve() throws Exception {
    LocalController c = pilotController();
    apply(c, withPilotLight("hello", Map.of("pilotlight.dev/reserve-instance", "true")));
    observe(c, "hello-00001", S1);
    Service next = withPilotLight("hello", Map.of("pilotlight.dev/reserve-instance", "false"));
    apply(c, next);
    observe(c, "hello-00002", S2);
    decide(c, "hello-00001", 0);
    assertThat(runtime.reserve).doesNotContainKey(key("hello-00001"));
    assertThat(runtime.applied).containsEntry(key("hello-00001"), 0);
  }

  @Test
  void pilotLight_aRuntimeWithoutReservesScalesToZeroAsUsual() throws Exception {
    runtime.reserveUnsupported = true;
    LocalController c = pilotController();
    apply(c, withPilotLight("hello", Map.of("pilotlight.dev/reserve-instance", "true")));
    decide(c, "hello-00001", 1);
    observe(c, "hello-00001", S1);
    decide(c, "hello-00001", 0);
    assertThat(runtime.applied).containsEntry(key("hello-00001"), 0);
    assertThat(events).anyMatch(e -> e.contains("no pilot light: FakeRuntime runs no reserve"));
  }

  static final class FakeRuntime implements WorkloadRuntime {
    final Map<RevisionKey, Integer> applied = new ConcurrentHashMap<>();
    final Map<RevisionKey, Boolean> reserve = new ConcurrentHashMap<>();
    volatile boolean reserveUnsupported;
    final List<RevisionKey> deleted = new CopyOnWriteArrayList<>();
    volatile String refuse;

    @Override
    public void apply(Revision revision, int standardReplicas) {
      if (refuse != null) {
        throw new IllegalArgumentException(refuse);
      }
      applied.put(revision.key(), standardReplicas);
    }

    @Override
    public void applyReserve(Revision revision, ReserveSpec spec, boolean running) {
      if (reserveUnsupported) {
        WorkloadRuntime.super.applyReserve(revision, spec, running);
        return;
      }
      reserve.put(revision.key(), running);
    }

    @Override
    public void delete(RevisionKey revision) {
      deleted.add(revision);
    }

    @Override
    public InstanceSet observe(RevisionKey revision) {
      return InstanceSet.empty(revision);
    }

    @Override
    public void setListener(InstanceListener listener) {}

    @Override
    public void close() {}
  }

  static final class FakeAutoscaler implements ScalingTargets {
    final Map<RevisionKey, ScalingTarget> targets = new ConcurrentHashMap<>();
    final List<RevisionKey> removed = new CopyOnWriteArrayList<>();

    @Override
    public void upsert(ScalingTarget target) {
      targets.put(target.revision(), target);
    }

    @Override
    public void remove(RevisionKey revision) {
      removed.add(revision);
      targets.remove(revision);
    }
  }

  static final class FakeEndpoints implements EndpointsListener {
    final Map<RevisionKey, RevisionEndpoints> last = new ConcurrentHashMap<>();
    final List<RevisionKey> removed = new CopyOnWriteArrayList<>();

    @Override
    public void onEndpoints(RevisionEndpoints e) {
      last.put(e.revision(), e);
    }

    @Override
    public void onRevisionRemoved(RevisionKey revision) {
      removed.add(revision);
    }
  }
}
