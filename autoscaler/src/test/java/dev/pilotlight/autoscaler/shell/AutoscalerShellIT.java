package dev.pilotlight.autoscaler.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.MockCrds;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The autoscaler's shell in Kubernetes mode against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class AutoscalerShellIT {
  static final Duration DEADLINE = Duration.ofSeconds(30);
  static final RevisionKey KEY = new RevisionKey("demo", "hello-00001");
  static final RevisionKey OTHER = new RevisionKey("demo", "hello-00002");

  static KubernetesClient client;
  ScheduledExecutorService scaler;
  AutoscalerShell autoscaler;

  @BeforeAll
  static void crds() {
    MockCrds.register(client);
  }

  @BeforeEach
  void start() throws Exception {
    scaler = Executors.newSingleThreadScheduledExecutor();
    autoscaler =
        AutoscalerShell.kubernetes(
            client,
            "demo",
            AutoscalerConfig.DEFAULTS,
            Duration.ofMillis(100),
            scaler,
            Ticker.system());
    autoscaler.start().get(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    autoscaler.close();
    scaler.shutdownNow();
  }

  @Test
  void theLeaderWritesTheDesiredScaleOfAPodAutoscalerUnderLoad() {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.getMetadata().setName(KEY.name());
    pa.getMetadata().setNamespace(KEY.namespace());
    pa.getMetadata().setAnnotations(Map.of("autoscaling.knative.dev/target", "1"));
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", "hello-00001-deployment"),
            PodAutoscalerResource.REACHABLE,
            "http1",
            0L));
    client.resource(pa).create();
    autoscaler.startLeading();
    Await.until(
        "initial scale 1 written", DEADLINE, () -> Integer.valueOf(1).equals(desiredScale()));

    // the controller reports one ready instance
    status("{\"status\":{\"actualScale\":1}}");
    // an activator reports 10 requests in flight every second
    Integer scaled =
        Await.untilValue(
            "desiredScale above 1",
            DEADLINE,
            () -> {
              autoscaler.stats().report(List.of(new StatRecord(KEY, 10, 10)));
              return desiredScale();
            },
            d -> d != null && d > 1);
    assertThat(scaled).isGreaterThan(1);
    assertThat(
            client
                .resources(PodAutoscalerResource.class)
                .inNamespace("demo")
                .withName(KEY.name())
                .get()
                .getStatus()
                .actualScale())
        .as("the controller's field is left alone")
        .isEqualTo(1);
  }

  @Test
  void aNewConfigIsAppliedToEveryPodAutoscaler() {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.getMetadata().setName(OTHER.name());
    pa.getMetadata().setNamespace(OTHER.namespace());
    pa.setSpec(
        new PodAutoscalerResource.Spec(
            new PodAutoscalerResource.ScaleTargetRef(
                "apps/v1", "Deployment", "hello-00002-deployment"),
            PodAutoscalerResource.REACHABLE,
            "http1",
            0L));
    client.resource(pa).create();
    autoscaler.startLeading();
    Await.until(
        "initial scale 1 written", DEADLINE, () -> Integer.valueOf(1).equals(desiredScale(OTHER)));
    status(OTHER, "{\"status\":{\"actualScale\":1}}");

    // config-autoscaler changes while running: min-scale 3 for every revision
    autoscaler.reconfigure(AutoscalerConfigs.fromData(Map.of("min-scale", "3")));
    assertThat(autoscaler.config().minScale()).isEqualTo(3);
    Integer scaled =
        Await.untilValue(
            "desiredScale at the new min-scale",
            DEADLINE,
            () -> {
              autoscaler.stats().report(List.of(new StatRecord(OTHER, 1, 1)));
              return desiredScale(OTHER);
            },
            d -> d != null && d == 3);
    assertThat(scaled).isEqualTo(3);
  }

  private Integer desiredScale() {
    return desiredScale(KEY);
  }

  private Integer desiredScale(RevisionKey key) {
    PodAutoscalerResource pa =
        client
            .resources(PodAutoscalerResource.class)
            .inNamespace(key.namespace())
            .withName(key.name())
            .get();
    return pa == null || pa.getStatus() == null ? null : pa.getStatus().desiredScale();
  }

  private void status(String json) {
    status(KEY, json);
  }

  private void status(RevisionKey key, String json) {
    client
        .resources(PodAutoscalerResource.class)
        .inNamespace(key.namespace())
        .withName(key.name())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }
}
