package dev.pilotlight.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.MockCrds;
import dev.pilotlight.testkit.PrometheusText;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code pilotlight controller} and {@code pilotlight autoscaler} in-process against the fabric8
 * mock API server: they take their Lease, do their work, answer /readyz, and on stop release the
 * Lease and exit 0.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesCommandsIT {
  static final Duration DEADLINE = Duration.ofSeconds(30);
  static KubernetesClient client;
  static ExecutorService runner = Executors.newCachedThreadPool();

  @TempDir Path dir;

  @BeforeAll
  static void crds() {
    MockCrds.register(client);
  }

  @AfterAll
  static void stopRunner() {
    runner.shutdownNow();
  }

  @Test
  void controllerLeadsReconcilesAndReleasesItsLeaseOnStop() throws Exception {
    ControllerCommand cmd = new ControllerCommand();
    cmd.env = Map.of("POD_NAME", "controller-0")::get;
    int health = freePort();
    Future<Integer> exit =
        runner.submit(
            () ->
                new CommandLine(cmd)
                    .execute(
                        "--kubeconfig",
                        kubeconfig().toString(),
                        "--namespace",
                        "demo",
                        "--domain",
                        "example.org",
                        "--health-port",
                        Integer.toString(health)));
    awaitHolder("pilotlight-controller", "controller-0");

    ServiceResource svc =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Service
            metadata: {name: hello, namespace: demo}
            spec:
              template:
                spec:
                  containers: [{image: ghcr.io/example/hello:1}]
            """,
            ServiceResource.class);
    client.resource(svc).create();
    Await.until(
        "the Deployment",
        DEADLINE,
        () ->
            client.apps().deployments().inNamespace("demo").withName("hello-00001-deployment").get()
                != null);
    Await.until(
        "the route URL on the configured domain",
        DEADLINE,
        () -> {
          ServiceResource s =
              client.resources(ServiceResource.class).inNamespace("demo").withName("hello").get();
          return s.getStatus() != null
              && "http://hello.demo.example.org".equals(s.getStatus().url());
        });
    assertThat(get(health, "/readyz").statusCode()).isEqualTo(200);
    assertThat(get(health, "/metrics").body()).contains("pilotlight_controller_leader 1.0");
    PrometheusText controllerSeries = PrometheusText.parse(get(health, "/metrics").body());
    assertThat(
            controllerSeries
                .value(
                    "pilotlight_controller_reconciles_total",
                    "kind",
                    "Service",
                    "result",
                    "success")
                .orElse(0))
        .isGreaterThanOrEqualTo(1);
    for (String kind : List.of("Service", "Configuration", "Revision", "Route")) {
      for (String result : List.of("success", "requeue", "conflict", "error")) {
        assertThat(
                controllerSeries.value(
                    "pilotlight_controller_reconciles_total", "kind", kind, "result", result))
            .as(kind + " " + result)
            .isPresent();
      }
      assertThat(controllerSeries.value("pilotlight_controller_queue_depth", "kind", kind))
          .isPresent();
      assertThat(controllerSeries.value("pilotlight_controller_retries_total", "kind", kind))
          .isPresent();
      assertThat(
              controllerSeries.value(
                  "pilotlight_controller_reconcile_duration_seconds_count", "kind", kind))
          .isPresent();
    }

    cmd.run.stop(); // as SIGTERM does
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(holder("pilotlight-controller")).as("Lease released").isNullOrEmpty();
  }

  @Test
  void controllerAppliesAConfigChangeAndRefusesAnInvalidOneOnce() throws Exception {
    ControllerCommand cmd = new ControllerCommand();
    cmd.env = Map.of("POD_NAME", "controller-1")::get;
    Future<Integer> exit =
        runner.submit(
            () ->
                new CommandLine(cmd)
                    .execute(
                        "--kubeconfig",
                        kubeconfig().toString(),
                        "--namespace",
                        "live",
                        "--domain",
                        "example.org",
                        "--health-port",
                        Integer.toString(freePort())));
    awaitHolder("pilotlight-controller", "controller-1");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger watchLog = (Logger) LoggerFactory.getLogger(AutoscalerConfigWatch.class);
    watchLog.addAppender(log);
    try {
      client
          .resource(
              Serialization.unmarshal(
                  """
                  apiVersion: serving.pilotlight.dev/v1
                  kind: Service
                  metadata: {name: hello, namespace: live}
                  spec:
                    template:
                      spec:
                        containers: [{image: ghcr.io/example/hello:1}]
                  """,
                  ServiceResource.class))
          .create();
      Await.until("the Deployment, default deadline", DEADLINE, () -> progressDeadline() == 600);

      // config-deployment changes while the controller runs: applied to the revision's Deployment
      client.resource(configDeployment("120s")).create();
      Await.until("the new deadline", DEADLINE, () -> progressDeadline() == 120);

      // an invalid change is refused and logged once; a resync with the same problem is not
      client
          .configMaps()
          .inNamespace("pilotlight-system")
          .resource(configDeployment("-5s"))
          .update();
      Await.until("the refusal logged", DEADLINE, () -> refusals(log) == 1);
      client
          .configMaps()
          .inNamespace("pilotlight-system")
          .withName("config-deployment")
          .edit(
              cm -> {
                cm.getMetadata().setLabels(Map.of("touched", "yes"));
                return cm;
              });
      // the controller's own later change proves the touched one was seen and ignored
      client
          .configMaps()
          .inNamespace("pilotlight-system")
          .resource(configDeployment("300s"))
          .update();
      Await.until("the next good deadline", DEADLINE, () -> progressDeadline() == 300);
      assertThat(refusals(log)).isEqualTo(1);
      assertThat(log.list)
          .anySatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .contains("ConfigMap config-deployment in pilotlight-system refused")
                      .contains("data.progress-deadline: \"-5s\""));
    } finally {
      watchLog.detachAppender(log);
      client.configMaps().inNamespace("pilotlight-system").withName("config-deployment").delete();
      cmd.run.stop();
    }
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void controllerWatchesConfigDefaultsAndConfigFeatures() throws Exception {
    ControllerCommand cmd = new ControllerCommand();
    cmd.env = Map.of("POD_NAME", "controller-2")::get;
    Future<Integer> exit =
        runner.submit(
            () ->
                new CommandLine(cmd)
                    .execute(
                        "--kubeconfig",
                        kubeconfig().toString(),
                        "--namespace",
                        "serving-live",
                        "--domain",
                        "example.org",
                        "--health-port",
                        Integer.toString(freePort())));
    awaitHolder("pilotlight-controller", "controller-2");
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger watchLog = (Logger) LoggerFactory.getLogger(ServingConfigWatch.class);
    watchLog.addAppender(log);
    try {
      // config-defaults appears while the controller runs: new revisions get its timeout
      client
          .resource(systemConfigMap("config-defaults", "revision-timeout-seconds", "120"))
          .create();
      Await.until(
          "config-defaults applied",
          DEADLINE,
          () ->
              log.list.stream()
                  .anyMatch(
                      e ->
                          e.getFormattedMessage()
                              .contains("config-defaults in pilotlight-system changed")));
      client.resource(service("hello:1", "")).create();
      Await.until("hello-00001 with the default", DEADLINE, () -> timeoutOf("hello-00001") == 120);

      // an invalid change is refused and logged once, the last good config stays in force
      client
          .configMaps()
          .inNamespace("pilotlight-system")
          .resource(systemConfigMap("config-defaults", "revision-timeout-seconds", "soon"))
          .update();
      Await.until("the refusal logged", DEADLINE, () -> refusals(log) == 1);
      assertThat(log.list)
          .anySatisfy(
              e ->
                  assertThat(e.getFormattedMessage())
                      .contains("ConfigMap config-defaults in pilotlight-system refused")
                      .contains("data.revision-timeout-seconds: \"soon\""));

      // a field behind a feature flag is refused until config-features enables it; then the
      // Service is reconciled again and its next revision stamped, with the last good defaults
      // the spec only, on the latest copy, again after a conflict, as kubectl apply does: the
      // controller writes the Service's status meanwhile
      ServiceResource next = service("hello:2", "nodeSelector: {disk: ssd}");
      Await.until(
          "the new spec written",
          DEADLINE,
          () -> {
            ServiceResource latest =
                client
                    .resources(ServiceResource.class)
                    .inNamespace("serving-live")
                    .withName("hello")
                    .get();
            latest.setSpec(next.getSpec());
            try {
              client.resource(latest).update();
              return true;
            } catch (KubernetesClientException e) {
              if (e.getCode() == 409) {
                return false; // written meanwhile: read it again
              }
              throw e;
            }
          });
      Await.until(
          "the Service refused",
          DEADLINE,
          () -> {
            ServiceResource s =
                client
                    .resources(ServiceResource.class)
                    .inNamespace("serving-live")
                    .withName("hello")
                    .get();
            return s.getStatus() != null
                && s.getStatus().conditions().stream()
                    .anyMatch(
                        c ->
                            "Ready".equals(c.getType())
                                && "False".equals(c.getStatus())
                                && c.getMessage().contains("kubernetes.podspec-nodeselector"));
          });
      client
          .resource(
              systemConfigMap("config-features", "kubernetes.podspec-nodeselector", "enabled"))
          .create();
      Await.until("hello-00002 stamped", DEADLINE, () -> timeoutOf("hello-00002") == 120);
      assertThat(timeoutOf("hello-00001")).isEqualTo(120);
      assertThat(refusals(log)).isEqualTo(1);
    } finally {
      watchLog.detachAppender(log);
      client.configMaps().inNamespace("pilotlight-system").withName("config-defaults").delete();
      client.configMaps().inNamespace("pilotlight-system").withName("config-features").delete();
      cmd.run.stop();
    }
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
  }

  private static ServiceResource service(String image, String podSpecField) {
    return Serialization.unmarshal(
        """
        apiVersion: serving.pilotlight.dev/v1
        kind: Service
        metadata: {name: hello, namespace: serving-live}
        spec:
          template:
            spec:
              containers: [{image: ghcr.io/example/IMAGE}]
              FIELD
        """
            .replace("IMAGE", image)
            .replace("FIELD", podSpecField),
        ServiceResource.class);
  }

  private static ConfigMap systemConfigMap(String name, String key, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("pilotlight-system")
        .endMetadata()
        .withData(Map.of(key, value))
        .build();
  }

  private static long timeoutOf(String revision) {
    RevisionResource r =
        client
            .resources(RevisionResource.class)
            .inNamespace("serving-live")
            .withName(revision)
            .get();
    return r == null || r.getSpec().timeoutSeconds() == null ? -1 : r.getSpec().timeoutSeconds();
  }

  private static ConfigMap configDeployment(String deadline) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("config-deployment")
        .withNamespace("pilotlight-system")
        .endMetadata()
        .withData(Map.of("progress-deadline", deadline))
        .build();
  }

  private static long refusals(ListAppender<ILoggingEvent> log) {
    return log.list.stream().filter(e -> e.getFormattedMessage().contains("refused")).count();
  }

  private static int progressDeadline() {
    Deployment d =
        client.apps().deployments().inNamespace("live").withName("hello-00001-deployment").get();
    return d == null || d.getSpec().getProgressDeadlineSeconds() == null
        ? -1
        : d.getSpec().getProgressDeadlineSeconds();
  }

  @Test
  void autoscalerNeedsItsToken() throws Exception {
    AutoscalerCommand cmd = new AutoscalerCommand();
    cmd.env = Map.<String, String>of()::get;
    StringWriter err = new StringWriter();
    int code =
        new CommandLine(cmd)
            .setErr(new PrintWriter(err))
            .execute("--kubeconfig", kubeconfig().toString());
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("PILOTLIGHT_STAT_TOKEN is not set");
  }

  @Test
  void autoscalerLeadsWritesDesiredScaleAndIsReadyOnlyAsLeader() throws Exception {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.getMetadata().setName("hello-00001");
    pa.getMetadata().setNamespace("scaled");
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", "hello-00001-deployment"),
            PodAutoscalerResource.REACHABLE,
            "http1",
            0L));
    client.resource(pa).create();

    AutoscalerCommand cmd = new AutoscalerCommand();
    cmd.env = Map.of("POD_NAME", "autoscaler-0", "PILOTLIGHT_STAT_TOKEN", "secret")::get;
    int health = freePort();
    int intake = freePort();
    Future<Integer> exit =
        runner.submit(
            () ->
                new CommandLine(cmd)
                    .execute(
                        "--kubeconfig", kubeconfig().toString(),
                        "--namespace", "scaled",
                        "--intake-port", Integer.toString(intake),
                        "--health-port", Integer.toString(health)));
    awaitHolder("pilotlight-autoscaler", "autoscaler-0");
    Await.until(
        "initial desiredScale written",
        DEADLINE,
        () -> {
          PodAutoscalerResource p =
              client
                  .resources(PodAutoscalerResource.class)
                  .inNamespace("scaled")
                  .withName("hello-00001")
                  .get();
          return p.getStatus() != null && Integer.valueOf(1).equals(p.getStatus().desiredScale());
        });
    Await.until("ready as leader", DEADLINE, () -> get(health, "/readyz").statusCode() == 200);
    HttpResponse<String> stats =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + intake + "/v1/stats"))
                    .header("Authorization", "Bearer secret")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"activator\":\"a\",\"stats\":[],\"pokes\":[]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(stats.statusCode()).isLessThan(300);
    PrometheusText autoscalerSeries = PrometheusText.parse(get(health, "/metrics").body());
    assertThat(autoscalerSeries.value("pilotlight_autoscaler_leader")).hasValue(1.0);
    assertThat(
            autoscalerSeries.value(
                "pilotlight_autoscaler_desired_instances", "revision", "scaled/hello-00001"))
        .hasValue(1.0);
    for (String gauge :
        List.of("panic", "stable_average", "panic_average", "target_per_instance")) {
      assertThat(
              autoscalerSeries.value(
                  "pilotlight_autoscaler_" + gauge, "revision", "scaled/hello-00001"))
          .as(gauge)
          .isPresent();
    }
    assertThat(
            autoscalerSeries.value(
                "pilotlight_autoscaler_intake_requests_total", "outcome", "accepted"))
        .hasValue(1.0);
    assertThat(
            autoscalerSeries.value(
                "pilotlight_autoscaler_intake_requests_total", "outcome", "too_large"))
        .hasValue(0.0);
    assertThat(autoscalerSeries.value("pilotlight_autoscaler_tick_duration_seconds_count"))
        .isPresent();

    cmd.run.stop();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(holder("pilotlight-autoscaler")).as("Lease released").isNullOrEmpty();
  }

  private void awaitHolder(String lease, String identity) {
    Await.until(
        "Lease " + lease + " held by " + identity, DEADLINE, () -> identity.equals(holder(lease)));
  }

  private static String holder(String lease) {
    Lease l = client.leases().inNamespace("pilotlight-system").withName(lease).get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private Path kubeconfig() throws Exception {
    Path file = dir.resolve("kubeconfig");
    if (!Files.exists(file)) {
      Files.writeString(
          file,
          """
          apiVersion: v1
          kind: Config
          clusters:
            - name: mock
              cluster: {server: "%s", insecure-skip-tls-verify: true}
          users:
            - name: test
              user: {token: test}
          contexts:
            - name: mock
              context: {cluster: mock, user: test, namespace: default}
          current-context: mock
          """
              .formatted(client.getMasterUrl().toString()));
    }
    return file;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
