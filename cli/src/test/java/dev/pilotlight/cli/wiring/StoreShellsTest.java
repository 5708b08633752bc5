package dev.pilotlight.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.feed.GatewayFeed;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.autoscaler.shell.AutoscalerShell;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.store.LabelSelectors;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.controller.store.StoreSource;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Local mode's wiring of the shared shells: the gateway feed and the autoscaler shell over the
 * object store (StoreSources), fed objects shaped as the controller and the node agent write them.
 */
class StoreShellsTest {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String NS = "default";
  static final String REV = "hello-00001";
  static final RevisionKey KEY = new RevisionKey(NS, REV);

  final ObjectStore store = ObjectStore.open(StoreOptions.inMemory());
  final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    store.close();
  }

  /** The gateway's side: the last table and endpoints, every removal. */
  static final class Recorder implements EndpointsListener {
    volatile RouteTable table;
    final Map<RevisionKey, RevisionEndpoints> endpoints = new ConcurrentHashMap<>();
    final List<RevisionKey> removed = new CopyOnWriteArrayList<>();

    void table(RouteTable t) {
      table = t;
    }

    @Override
    public void onEndpoints(RevisionEndpoints e) {
      endpoints.put(e.revision(), e);
    }

    @Override
    public void onRevisionRemoved(RevisionKey revision) {
      endpoints.remove(revision);
      removed.add(revision);
    }
  }

  static Map<String, String> managed(Map<String, String> labels) {
    Map<String, String> all = new java.util.HashMap<>(labels);
    all.put(KubernetesNames.MANAGED_BY_LABEL, KubernetesNames.MANAGED_BY);
    return all;
  }

  /** A slice as the node agent writes it: one instance on a loopback port. */
  static EndpointSlice slice(
      String service, String instance, int port, boolean ready, boolean terminating) {
    return new EndpointSliceBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withNamespace(NS)
                .withName(service + "-" + instance)
                .withLabels(
                    managed(
                        Map.of(
                            KubernetesNames.ENDPOINT_SLICE_SERVICE_LABEL, service,
                            KubernetesNames.REVISION_LABEL, REV)))
                .build())
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(port)
        .withProtocol("TCP")
        .endPort()
        .addNewEndpoint()
        .withAddresses("127.0.0.1")
        .withNewConditions()
        .withReady(ready)
        .withServing(ready)
        .withTerminating(terminating)
        .endConditions()
        .endEndpoint()
        .build();
  }

  static Endpoint endpoint(int port, InstanceClass instanceClass) {
    return new Endpoint("127.0.0.1:" + port, "127.0.0.1", port, instanceClass);
  }

  void createRevisionAndRoute() {
    RevisionResource revision = new RevisionResource();
    revision.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NS)
            .withName(REV)
            .withLabels(Map.of(KubernetesNames.CONFIGURATION_LABEL, "hello"))
            .build());
    revision.setSpec(
        new RevisionSpec(
            List.of(new ContainerBuilder().withName("user-container").withImage("hello").build()),
            10L,
            60L,
            null,
            null));
    store.create(revision);
    store.replaceStatus(
        RevisionResource.class,
        new ObjectKey(NS, REV),
        new RevisionResource.Status(
            1L,
            List.of(
                new ConditionBuilder()
                    .withType("ContainerHealthy")
                    .withStatus("False")
                    .withReason("CrashLoopBackOff")
                    .withMessage("container user-container exited with code 1")
                    .build(),
                new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("False")
                    .withReason("CrashLoopBackOff")
                    .withMessage("the revision is not healthy")
                    .build()),
            1,
            2,
            null));

    RouteResource route = new RouteResource();
    route.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("hello").build());
    store.create(route);
    store.replaceStatus(
        RouteResource.class,
        new ObjectKey(NS, "hello"),
        new RouteResource.Status(
            1L,
            List.of(),
            "http://hello.default.example.com",
            List.of(new TrafficStatus(REV, "hello", true, 100L, null, null))));
  }

  @Test
  void theGatewayFeedServesTheStoresRoutesAndInstances() {
    createRevisionAndRoute();
    String std = KubernetesNames.endpointsService(REV);
    String reserve = KubernetesNames.reserveEndpointsService(REV);
    store.create(slice(std, "a1", 40001, true, false));
    store.create(
        slice(std, "a2", 40002, false, false)); // started, not ready: probed by the gateway
    store.create(slice(std, "a3", 40004, false, true)); // draining
    store.create(slice(reserve, "r1", 40003, true, false));

    Recorder recorder = new Recorder();
    GatewayFeed feed =
        new GatewayFeed(
            new StoreSource<>(store, RouteResource.class),
            new StoreSource<>(store, RevisionResource.class),
            new StoreSource<>(
                store,
                EndpointSlice.class,
                null,
                LabelSelectors.exists(KubernetesNames.REVISION_LABEL)),
            "example.com",
            recorder::table,
            recorder);
    toClose.add(feed);
    feed.start().orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(feed.synced()).isTrue();

    RouteTable.HostRoute host = recorder.table.lookup("hello.default.example.com");
    assertThat(host).isNotNull();
    assertThat(host.targets()).containsExactly(new RouteTable.WeightedRevision(KEY, 100));
    RevisionEndpoints e = recorder.endpoints.get(KEY);
    assertThat(e.ready())
        .containsExactlyInAnyOrder(
            endpoint(40001, InstanceClass.STANDARD), endpoint(40003, InstanceClass.RESERVE));
    assertThat(e.starting()).containsExactly(endpoint(40002, InstanceClass.STANDARD));
    assertThat(e.containerConcurrency()).isEqualTo(10);
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.problem())
        .isEqualTo("CrashLoopBackOff: container user-container exited with code 1");

    // the starting instance becomes ready; the healthy revision has no problem any more
    EndpointSlice a2 = store.get(EndpointSlice.class, new ObjectKey(NS, std + "-a2"));
    a2.getEndpoints().get(0).getConditions().setReady(true);
    a2.getEndpoints().get(0).getConditions().setServing(true);
    store.update(a2);
    store.replaceStatus(
        RevisionResource.class,
        new ObjectKey(NS, REV),
        new RevisionResource.Status(
            1L,
            List.of(new ConditionBuilder().withType("Ready").withStatus("True").build()),
            2,
            2,
            null));
    Await.until(
        "the second instance ready, no problem",
        DEADLINE,
        () -> {
          RevisionEndpoints now = recorder.endpoints.get(KEY);
          return now.ready().contains(endpoint(40002, InstanceClass.STANDARD))
              && now.starting().isEmpty()
              && now.problem() == null;
        });

    store.delete(RevisionResource.class, new ObjectKey(NS, REV));
    Await.until("the revision removed", DEADLINE, () -> recorder.removed.contains(KEY));
  }

  Integer desiredScale() {
    PodAutoscalerResource pa = store.get(PodAutoscalerResource.class, new ObjectKey(NS, REV));
    return pa == null || pa.getStatus() == null ? null : pa.getStatus().desiredScale();
  }

  @Test
  void theAutoscalerShellWritesDesiredScaleIntoTheStoredPodAutoscaler() {
    ScheduledExecutorService scaler = Executors.newSingleThreadScheduledExecutor();
    toClose.add(scaler::shutdownNow);
    AtomicLong nanos = new AtomicLong(); // a manual ticker: only the decisions' inputs move it
    AutoscalerShell shell =
        new AutoscalerShell(
            new StoreSource<>(store, PodAutoscalerResource.class),
            (key, n) ->
                store.mergeStatusFields(
                    PodAutoscalerResource.class,
                    new ObjectKey(key.namespace(), key.name()),
                    Map.of("desiredScale", n)),
            AutoscalerConfigs.fromData(Map.of("allow-zero-initial-scale", "true")),
            Duration.ofHours(1), // no tick during the test: the upsert and the poke decide
            scaler,
            nanos::get);
    toClose.add(shell);
    shell.startLeading(); // local mode: the only replica leads at once
    shell.start().orTimeout(DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
    assertThat(shell.synced()).isTrue();

    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(NS)
            .withName(REV)
            .withLabels(managed(Map.of(KubernetesNames.REVISION_LABEL, REV)))
            .withAnnotations(Map.of(AutoscalingAnnotations.INITIAL_SCALE, "0"))
            .build());
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", KubernetesNames.deployment(REV)),
            PodAutoscalerResource.REACHABLE,
            "http1",
            10L));
    store.create(pa);
    Await.until(
        "the initial scale 0 written", DEADLINE, () -> Integer.valueOf(0).equals(desiredScale()));

    // a request held at zero: the gateway pokes
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    shell.stats().poke(KEY);
    Await.until("scaled from zero", DEADLINE, () -> Integer.valueOf(1).equals(desiredScale()));
    assertThat(
            store
                .get(PodAutoscalerResource.class, new ObjectKey(NS, REV))
                .getStatus()
                .actualScale())
        .as("the controller's field is left alone")
        .isNull();

    store.delete(PodAutoscalerResource.class, new ObjectKey(NS, REV));
    shell.stopLeading();
    assertThat(shell.leading()).isFalse();
  }
}
