package dev.pilotlight.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code pilotlight activator} in-process against the fabric8 mock API server (CRUD mode), reached
 * through a kubeconfig file as in a cluster: the domain from ConfigMap config-network, a request
 * proxied to the pod an EndpointSlice lists, the probe and scrape port, a held request's poke at
 * the autoscaler's intake with the token, and the stop.
 */
@EnableKubernetesMockClient(crud = true)
class ActivatorCommandIT {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  KubernetesClient client;
  @TempDir Path dir;
  final HttpClient http =
      HttpClient.newBuilder()
          // HTTP/1.1: these requests name their route in Host, which over HTTP/2 (the JDK client
          // upgrades to h2c) would differ from the client's :authority, a malformed request
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final List<String> intakeRequests = new CopyOnWriteArrayList<>();
  final StringWriter err = new StringWriter();
  HttpServer app;
  HttpServer intake;
  ActivatorCommand command;
  CompletableFuture<Integer> run;

  @AfterEach
  void stop() throws Exception {
    if (command != null) {
      command.stop();
      run.get(60, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.stop(0);
    }
    if (intake != null) {
      intake.stop(0);
    }
  }

  Path kubeconfig(String server) throws Exception {
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: test
          user:
            token: test
        contexts:
        - name: mock
          context:
            cluster: mock
            user: test
            namespace: default
        current-context: mock
        """
            .formatted(server);
    return Files.writeString(dir.resolve("kubeconfig"), yaml);
  }

  static HttpServer server(String answer, List<String> seen) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    s.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          seen.add(ex.getRequestHeaders().getFirst("Authorization") + " " + body);
          byte[] b = answer.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(answer.isEmpty() ? 204 : 200, answer.isEmpty() ? -1 : b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    s.start();
    return s;
  }

  void revision(String name) {
    RevisionResource r = new RevisionResource();
    r.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
    r.setSpec(new RevisionSpec(List.of(), 0L, 60L, null, null));
    client.resources(RevisionResource.class).inNamespace("default").resource(r).create();
  }

  void route(String name, String revision) {
    RouteResource r = new RouteResource();
    r.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
    r.setStatus(
        new RouteResource.Status(
            1L,
            List.of(),
            "http://" + name + ".default.cluster.test",
            List.of(new TrafficStatus(revision, name, true, 100L, null, null))));
    client.resources(RouteResource.class).inNamespace("default").resource(r).create();
  }

  HttpResponse<String> get(int port, String host, String path) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    if (host != null) {
      b.header("Host", host);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesRoutesFromTheApiServer_probesAndScrapes_pokesTheIntakeWithTheToken() throws Exception {
    app = server("hello from the pod", new CopyOnWriteArrayList<>());
    intake = server("", intakeRequests);
    client
        .configMaps()
        .inNamespace("pilotlight-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("config-network")
                .withNamespace("pilotlight-system")
                .endMetadata()
                .withData(Map.of("domain", "cluster.test"))
                .build())
        .create();
    revision("hello-00001");
    route("hello", "hello-00001");
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName("hello-00001-abcde")
                .withLabels(
                    Map.of(
                        KubernetesNames.ENDPOINT_SLICE_SERVICE_LABEL, "hello-00001",
                        KubernetesNames.REVISION_LABEL, "hello-00001"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(app.getAddress().getPort())
                .withProtocol("TCP")
                .endPort()
                .addNewEndpoint()
                .withAddresses("127.0.0.1")
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
    revision("cold-00001");
    route("cold", "cold-00001");

    command = new ActivatorCommand();
    command.env = Map.of("PILOTLIGHT_STAT_TOKEN", "s3cret", "POD_NAME", "activator-0")::get;
    CommandLine cl = new CommandLine(command).setErr(new PrintWriter(err, true));
    String kubeconfig = kubeconfig(client.getConfiguration().getMasterUrl()).toString();
    run =
        CompletableFuture.supplyAsync(
            () ->
                cl.execute(
                    "--kubeconfig",
                    kubeconfig,
                    "--port",
                    "0",
                    "--health-port",
                    "0",
                    "--autoscaler-url",
                    "http://127.0.0.1:" + intake.getAddress().getPort(),
                    "--drain-delay",
                    "10s"));
    ActivatorCommand.Ports ports =
        Await.untilValue(
            "listening", DEADLINE, () -> command.ports, p -> p != null || run.isDone());
    assertThat(ports).as("exited early: %s", err).isNotNull();

    assertThat(get(ports.health(), null, "/healthz").statusCode()).isEqualTo(200);
    Await.until("ready", DEADLINE, () -> get(ports.health(), null, "/readyz").statusCode() == 200);

    HttpResponse<String> r = get(ports.gateway(), "hello.default.cluster.test", "/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello from the pod");
    assertThat(get(ports.gateway(), "hello.default.example.com", "/").statusCode()).isEqualTo(404);

    CompletableFuture<HttpResponse<String>> held =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.gateway() + "/"))
                .header("Host", "cold.default.cluster.test")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Await.until(
        "the intake poked for cold-00001 with the token",
        DEADLINE,
        () ->
            intakeRequests.stream()
                .anyMatch(
                    s ->
                        s.startsWith("Bearer s3cret ")
                            && s.contains("\"revision\":\"cold-00001\"")
                            && s.contains("\"activator\":\"activator-0\"")));

    HttpResponse<String> metrics = get(ports.health(), null, "/metrics");
    assertThat(metrics.body())
        .contains(
            "pilotlight_gateway_requests_total{instance_class=\"standard\",revision=\"default/hello-00001\",status=\"200\"} 1");

    client.resources(RevisionResource.class).inNamespace("default").withName("cold-00001").delete();
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);

    // SIGTERM: not ready at once, but still serving through the drain delay
    ActivatorCommand stopping = command;
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::stop);
    Await.until(
        "not ready once stopping",
        DEADLINE,
        () -> get(ports.health(), null, "/readyz").statusCode() == 503);
    HttpResponse<String> during = get(ports.gateway(), "hello.default.cluster.test", "/");
    assertThat(during.statusCode()).as("served during the drain delay").isEqualTo(200);
    stopped.get(60, TimeUnit.SECONDS);
    assertThat(run.get(60, TimeUnit.SECONDS)).isZero();
    command = null;
    assertThat(err.toString())
        .contains("for *.cluster.test")
        .contains("synced: ready")
        .contains("still serving for 10.0 s")
        .contains("stopped");
  }

  @Test
  void crdsMissing_exitsWithAClearError() throws Exception {
    // a mock server without CRUD answers 404 to every list, as an API server without our CRDs does
    KubernetesMockServer bare = new KubernetesMockServer(false);
    bare.init();
    try {
      command = new ActivatorCommand();
      command.env = Map.of("PILOTLIGHT_STAT_TOKEN", "t")::get;
      CommandLine cl = new CommandLine(command).setErr(new PrintWriter(err, true));
      Path kubeconfig;
      try (KubernetesClient c = bare.createClient()) {
        kubeconfig = kubeconfig(c.getConfiguration().getMasterUrl());
      }
      int code =
          cl.execute(
              "--kubeconfig", kubeconfig.toString(),
              "--domain", "cluster.test",
              "--port", "0",
              "--health-port", "0");
      command = null;
      assertThat(code).isEqualTo(1);
      assertThat(err.toString())
          .contains("cannot watch Routes, Revisions and EndpointSlices")
          .contains("kubectl apply -f crds/");
    } finally {
      bare.destroy();
    }
  }
}
