package dev.pilotlight.activator.kubernetes;

import static dev.pilotlight.activator.feed.K8sFixtures.ready;
import static dev.pilotlight.activator.feed.K8sFixtures.revision;
import static dev.pilotlight.activator.feed.K8sFixtures.route;
import static dev.pilotlight.activator.feed.K8sFixtures.slice;
import static dev.pilotlight.activator.feed.K8sFixtures.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.LeakCheck;
import dev.pilotlight.activator.TestGateway;
import dev.pilotlight.activator.feed.GatewayFeed;
import dev.pilotlight.activator.feed.K8sFixtures;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activator in Kubernetes mode end to end, with the fabric8 mock API server in CRUD mode: a
 * real gateway on 127.0.0.1 proxies real requests to a real local HTTP server whose address an
 * EndpointSlice lists, for the Route whose {@code status.traffic} names the revision.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesGatewayIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String NS = "default";
  static final RevisionKey REV = new RevisionKey(NS, "hello-00001");
  static final String HOST = "hello.default.example.com";

  KubernetesClient client;
  final List<RevisionKey> pokes = new CopyOnWriteArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          // HTTP/1.1: these requests name their route in Host, which over HTTP/2 (the JDK client
          // upgrades to h2c) would differ from the client's :authority, a malformed request
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  HttpServer app;
  Gateway gateway;
  GatewayFeed feed;
  int port;

  @BeforeEach
  void start() throws Exception {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    app.createContext(
        "/",
        ex -> {
          byte[] b =
              ("hello from the pod, " + ex.getRequestURI().getPath())
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    app.start();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            new StatSink() {
              @Override
              public void report(Collection<StatRecord> batch) {}

              @Override
              public void poke(RevisionKey revision) {
                pokes.add(revision);
              }
            },
            Ticker.system());
    port = gateway.start();
    create(revision(NS, REV.name()));
    create(route(NS, "hello", traffic(REV.name(), 100, null)));
    feed = GatewayFeed.kubernetes(client, null, "example.com", gateway, gateway);
  }

  @AfterEach
  void stop() {
    feed.close();
    gateway.close();
    app.stop(0);
  }

  void create(RevisionResource r) {
    client.resources(RevisionResource.class).inNamespace(NS).resource(r).create();
  }

  void create(RouteResource r) {
    client.resources(RouteResource.class).inNamespace(NS).resource(r).create();
  }

  void apply(EndpointSlice s) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(s)
        .createOr(existing -> existing.update());
  }

  /** The app's pod as a slice of the revision's headless Service lists it. */
  EndpointSlice podReady() {
    return slice(
        NS,
        "hello-00001-x7k2p",
        REV.name(),
        REV.name(),
        "http",
        app.getAddress().getPort(),
        ready("127.0.0.1"));
  }

  CompletableFuture<HttpResponse<String>> get(String host, String path) {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void proxiesToThePodAnEndpointSliceLists() throws Exception {
    apply(podReady());
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    HttpResponse<String> r = get(HOST, "/greet").get(30, TimeUnit.SECONDS);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from the pod, /greet");
    assertThat(pokes).isEmpty();
  }

  @Test
  void hostOfARouteThatDoesNotExist_404() throws Exception {
    apply(podReady());
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    assertThat(get("nope.default.example.com", "/").get(30, TimeUnit.SECONDS).statusCode())
        .isEqualTo(404);
  }

  @Test
  void revisionWithNoReadyPod_holdsTheRequestAndReleasesItWhenTheSliceTurnsReady()
      throws Exception {
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    CompletableFuture<HttpResponse<String>> pending = get(HOST, "/cold");
    Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);
    Await.until("the autoscaler poked", DEADLINE, () -> pokes.contains(REV));
    assertThat(pending).isNotDone();

    apply(podReady());

    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from the pod, /cold");
    assertThat(gateway.held(REV)).isZero();
  }

  /** The app's pod listed as started and not ready (the kubelet has not called it ready yet). */
  EndpointSlice podStarting() {
    return slice(
        NS,
        "hello-00001-x7k2p",
        REV.name(),
        REV.name(),
        "http",
        app.getAddress().getPort(),
        K8sFixtures.starting("127.0.0.1"));
  }

  @Test
  void httpReadinessProbe_theGatewayProbesAStartingPodAndRoutesToItBeforeTheKubeletDoes()
      throws Exception {
    apply(podStarting());
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    HttpResponse<String> r = get(HOST, "/early").get(30, TimeUnit.SECONDS);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from the pod, /early");
  }

  @Test
  void execReadinessProbe_aStartingPodIsNotRoutedToUntilItsEndpointIsReady() throws Exception {
    RevisionResource exec =
        client.resources(RevisionResource.class).inNamespace(NS).withName(REV.name()).get();
    Container c =
        new ContainerBuilder(exec.getSpec().container())
            .withReadinessProbe(
                new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/ready").endExec().build())
            .build();
    exec.setSpec(new RevisionSpec(List.of(c), 10L, 60L, 30L, null));
    client.resources(RevisionResource.class).inNamespace(NS).resource(exec).update();
    apply(podStarting()); // the app answers; only the kubelet's exec probe knows it is not ready
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

    CompletableFuture<HttpResponse<String>> pending = get(HOST, "/exec");
    Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);
    assertThat(pending).isNotDone();

    apply(podReady());

    HttpResponse<String> r = pending.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from the pod, /exec");
  }

  @Test
  void revisionDeletedWhileARequestIsHeld_theRequestFails() throws Exception {
    feed.start().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    CompletableFuture<HttpResponse<String>> pending = get(HOST, "/cold");
    Await.until("the request held", DEADLINE, () -> gateway.held(REV) == 1);

    client.resources(RevisionResource.class).inNamespace(NS).withName(REV.name()).delete();

    assertThat(pending.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
  }
}
