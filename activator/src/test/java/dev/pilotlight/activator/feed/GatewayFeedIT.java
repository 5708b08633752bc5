package dev.pilotlight.activator.feed;

import static dev.pilotlight.activator.feed.K8sFixtures.ready;
import static dev.pilotlight.activator.feed.K8sFixtures.revision;
import static dev.pilotlight.activator.feed.K8sFixtures.route;
import static dev.pilotlight.activator.feed.K8sFixtures.slice;
import static dev.pilotlight.activator.feed.K8sFixtures.starting;
import static dev.pilotlight.activator.feed.K8sFixtures.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.EndpointsListener;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The informer shell against the fabric8 mock API server in CRUD mode: Route, Revision and
 * EndpointSlice changes reach the gateway's listeners.
 */
@EnableKubernetesMockClient(crud = true)
class GatewayFeedIT {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String NS = "default";
  static final RevisionKey REV = new RevisionKey(NS, "hello-00001");

  KubernetesClient client;
  final Recorder recorder = new Recorder();
  GatewayFeed feed;

  /** The gateway's side: the last table and endpoints, every removal, every publishing thread. */
  static final class Recorder implements EndpointsListener {
    volatile RouteTable table;
    final Map<RevisionKey, RevisionEndpoints> endpoints = new ConcurrentHashMap<>();
    final List<RevisionKey> removed = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    void table(RouteTable t) {
      threads.add(Thread.currentThread().getName());
      table = t;
    }

    @Override
    public void onEndpoints(RevisionEndpoints e) {
      threads.add(Thread.currentThread().getName());
      endpoints.put(e.revision(), e);
    }

    @Override
    public void onRevisionRemoved(RevisionKey revision) {
      threads.add(Thread.currentThread().getName());
      endpoints.remove(revision);
      removed.add(revision);
    }

    List<String> ready(RevisionKey key) {
      RevisionEndpoints e = endpoints.get(key);
      return e == null ? null : e.ready().stream().map(Endpoint::id).collect(Collectors.toList());
    }

    List<String> starting(RevisionKey key) {
      RevisionEndpoints e = endpoints.get(key);
      return e == null
          ? null
          : e.starting().stream().map(Endpoint::id).collect(Collectors.toList());
    }
  }

  @AfterEach
  void stop() {
    if (feed != null) {
      feed.close();
    }
  }

  void startFeed(String namespace) throws Exception {
    feed = GatewayFeed.kubernetes(client, namespace, "example.com", recorder::table, recorder);
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertThat(feed.synced()).isTrue();
  }

  void create(RevisionResource r) {
    client
        .resources(RevisionResource.class)
        .inNamespace(r.getMetadata().getNamespace())
        .resource(r)
        .create();
  }

  void create(RouteResource r) {
    client
        .resources(RouteResource.class)
        .inNamespace(r.getMetadata().getNamespace())
        .resource(r)
        .create();
  }

  void apply(EndpointSlice s) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(s.getMetadata().getNamespace())
        .resource(s)
        .createOr(existing -> existing.update());
  }

  @Test
  void existingStateIsPublishedBeforeSynced() throws Exception {
    create(revision(NS, REV.name()));
    create(route(NS, "hello", traffic(REV.name(), 100, null)));
    apply(slice(NS, "hello-00001-abc", REV.name(), REV.name(), "http", 8080, ready("10.0.0.1")));

    startFeed(null);

    assertThat(recorder.table.lookup("hello.default.example.com")).isNotNull();
    assertThat(recorder.ready(REV)).containsExactly("10.0.0.1:8080");
    assertThat(recorder.threads).containsOnly("pilotlight-gateway-feed");
  }

  @Test
  void endpointSliceChangesReachTheTable() throws Exception {
    create(revision(NS, REV.name()));
    startFeed(null);
    Await.until(
        "revision at zero published", DEADLINE, () -> List.of().equals(recorder.ready(REV)));

    apply(slice(NS, "hello-00001-abc", REV.name(), REV.name(), "http", 8080, starting("10.0.0.1")));
    Await.until(
        "the pod is starting",
        DEADLINE,
        () -> List.of("10.0.0.1:8080").equals(recorder.starting(REV)));
    assertThat(recorder.ready(REV)).isEmpty();

    apply(slice(NS, "hello-00001-abc", REV.name(), REV.name(), "http", 8080, ready("10.0.0.1")));
    Await.until(
        "the pod is ready", DEADLINE, () -> List.of("10.0.0.1:8080").equals(recorder.ready(REV)));
    assertThat(recorder.starting(REV)).isEmpty();

    apply(slice(NS, "hello-00001-def", REV.name(), REV.name(), "http", 8080, ready("10.0.0.2")));
    Await.until(
        "a second slice merges in",
        DEADLINE,
        () -> List.of("10.0.0.1:8080", "10.0.0.2:8080").equals(recorder.ready(REV)));

    client.discovery().v1().endpointSlices().inNamespace(NS).withName("hello-00001-abc").delete();
    client.discovery().v1().endpointSlices().inNamespace(NS).withName("hello-00001-def").delete();
    Await.until("no ready instance left", DEADLINE, () -> List.of().equals(recorder.ready(REV)));
    assertThat(recorder.removed).isEmpty();

    client.resources(RevisionResource.class).inNamespace(NS).withName(REV.name()).delete();
    Await.until("revision removed", DEADLINE, () -> recorder.removed.contains(REV));
    assertThat(recorder.threads).containsOnly("pilotlight-gateway-feed");
  }

  @Test
  void aSliceSeenBeforeItsRevisionCountsOnceTheRevisionArrives() throws Exception {
    startFeed(null);
    apply(slice(NS, "hello-00001-abc", REV.name(), REV.name(), "http", 8080, ready("10.0.0.1")));
    create(revision(NS, "other-00001"));
    Await.until(
        "a later event is published",
        DEADLINE,
        () -> recorder.endpoints.containsKey(new RevisionKey(NS, "other-00001")));
    assertThat(recorder.endpoints).doesNotContainKey(REV);

    create(revision(NS, REV.name()));
    Await.until(
        "the slice's pod is ready",
        DEADLINE,
        () -> List.of("10.0.0.1:8080").equals(recorder.ready(REV)));
  }

  @Test
  void routeStatusChangesReachTheTable() throws Exception {
    startFeed(null);
    create(route(NS, "hello", traffic("hello-00001", 100, null)));
    Await.until(
        "host served",
        DEADLINE,
        () -> recorder.table != null && recorder.table.lookup("hello.default.example.com") != null);

    RouteResource r = client.resources(RouteResource.class).inNamespace(NS).withName("hello").get();
    r.setStatus(
        new RouteResource.Status(
            2L,
            List.of(),
            null,
            List.of(traffic("hello-00001", 50, null), traffic("hello-00002", 50, "next"))));
    client.resources(RouteResource.class).inNamespace(NS).resource(r).updateStatus();
    Await.until(
        "tag host served",
        DEADLINE,
        () -> recorder.table.lookup("next-hello.default.example.com") != null);
    assertThat(recorder.table.lookup("hello.default.example.com").targets()).hasSize(2);

    client.resources(RouteResource.class).inNamespace(NS).withName("hello").delete();
    Await.until("no host left", DEADLINE, () -> recorder.table.hosts().isEmpty());
  }

  @Test
  void oneNamespace_othersIgnored() throws Exception {
    create(revision("other", "hello-00001"));
    create(route("other", "hello", traffic("hello-00001", 100, null)));
    create(revision(NS, REV.name()));
    startFeed(NS);
    assertThat(recorder.endpoints).containsOnlyKeys(REV);
    assertThat(recorder.table.hosts()).isEmpty();
  }
}
