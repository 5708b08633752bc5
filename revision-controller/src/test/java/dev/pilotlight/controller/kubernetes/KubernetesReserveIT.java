package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.ClusterFixture.await;
import static dev.pilotlight.controller.kubernetes.ClusterFixture.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.testkit.MockCrds;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pilot light in Kubernetes mode against the fabric8 mock API server: the reserve Deployment
 * and Service of a revision with {@code pilotlight.dev/reserve-instance: "true"}, and their 0/1
 * scaling across idle, wake-up and back. The tests play the autoscaler (desiredScale) and the
 * Deployment controller (readyReplicas).
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesReserveIT {
  static KubernetesClient client;

  static final String REV = "hello-00001";

  static final String HELLO =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          metadata:
            annotations:
              pilotlight.dev/reserve-instance: "true"
              pilotlight.dev/reserve-resources: cpu=250m,memory=256Mi
              pilotlight.dev/reserve-node-selector: type=virtual-kubelet
              pilotlight.dev/reserve-tolerations: virtual-kubelet.io/provider:NoSchedule
              pilotlight.dev/reserve-pod-annotations: '{"k8s.aliyun.com/eci-use-specs": "0.25-0.5Gi"}'
          spec:
            containerConcurrency: 4
            containers:
              - image: ghcr.io/example/hello:1
                ports: [{containerPort: 9000}]
      """;

  @BeforeAll
  static void crds() {
    MockCrds.register(client);
  }

  @Test
  void theReserveDeploymentIsScaledZeroOneAcrossIdleAndWakeUp() throws Exception {
    try (ClusterFixture c =
        new ClusterFixture(client, "reserve", ControllerSettings.defaults("example.com"))) {
      c.apply(HELLO);
      await(
          "the Route routes " + REV,
          () -> c.route("hello"),
          r ->
              r.getStatus() != null
                  && Caches.routedTraffic(r).stream().anyMatch(t -> REV.equals(t.revisionName())));

      // the reserve's children, at 0 while the standard instances come up
      Deployment reserve = await("reserve Deployment", () -> reserveDeployment(c), x -> true);
      assertThat(reserve.getSpec().getReplicas()).isZero();
      assertThat(reserve.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Revision");
      assertThat(reserve.getSpec().getSelector().getMatchLabels())
          .isEqualTo(
              Map.of(
                  "serving.knative.dev/revision", REV, "pilotlight.dev/instance-class", "reserve"));
      var template = reserve.getSpec().getTemplate();
      assertThat(template.getMetadata().getLabels())
          .containsEntry("pilotlight.dev/instance-class", "reserve")
          .containsEntry("serving.knative.dev/revision", REV);
      assertThat(template.getMetadata().getAnnotations())
          .containsEntry("k8s.aliyun.com/eci-use-specs", "0.25-0.5Gi");
      assertThat(template.getSpec().getNodeSelector()).isEqualTo(Map.of("type", "virtual-kubelet"));
      assertThat(template.getSpec().getTolerations().get(0).getKey())
          .isEqualTo("virtual-kubelet.io/provider");
      Container container = template.getSpec().getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("ghcr.io/example/hello:1");
      assertThat(container.getResources().getRequests())
          .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("256Mi")));
      assertThat(container.getResources().getLimits())
          .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("256Mi")));
      assertThat(container.getEnv())
          .extracting(EnvVar::getName, EnvVar::getValue)
          .contains(
              org.assertj.core.groups.Tuple.tuple("PILOTLIGHT_INSTANCE_CLASS", "reserve"),
              org.assertj.core.groups.Tuple.tuple("PORT", "9000"));
      Service reserveService =
          await("reserve Service", () -> c.endpointsService(REV + "-reserve"), x -> true);
      assertThat(reserveService.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(reserveService.getMetadata().getLabels())
          .containsEntry("serving.knative.dev/revision", REV);
      assertThat(reserveService.getSpec().getSelector())
          .isEqualTo(
              Map.of(
                  "serving.knative.dev/revision", REV, "pilotlight.dev/instance-class", "reserve"));

      c.deploymentReady(REV);
      awaitReserveStatus(c, true, false);

      // idle: the autoscaler wants 0; the reserve starts, the last standard replica stays
      PodAutoscalerResource pa = c.podAutoscaler(REV);
      c.patchStatus(pa, "{\"status\":{\"desiredScale\":0}}");
      await("reserve 1", () -> reserveDeployment(c), d -> d.getSpec().getReplicas() == 1);
      assertThat(c.deployment(REV).getSpec().getReplicas()).isEqualTo(1);

      // the reserve is ready: now the standard one goes
      setReady(c, reserveDeployment(c), 1);
      await("standard 0", () -> c.deployment(REV), d -> d.getSpec().getReplicas() == 0);
      awaitReserveStatus(c, true, true);
      setReady(c, c.deployment(REV), 0);
      await(
          "actualReplicas 0",
          () -> c.revision(REV),
          r -> r.getStatus() != null && Integer.valueOf(0).equals(r.getStatus().actualReplicas()));
      assertThat(reserveDeployment(c).getSpec().getReplicas()).isEqualTo(1);

      // traffic: the autoscaler wants 2; the reserve serves until a standard replica is ready
      c.patchStatus(c.podAutoscaler(REV), "{\"status\":{\"desiredScale\":2}}");
      await("standard 2", () -> c.deployment(REV), d -> d.getSpec().getReplicas() == 2);
      assertThat(reserveDeployment(c).getSpec().getReplicas()).isEqualTo(1);
      c.deploymentReady(REV);
      await("reserve 0", () -> reserveDeployment(c), d -> d.getSpec().getReplicas() == 0);
      assertThat(c.deployment(REV).getSpec().getReplicas()).isEqualTo(2);
    }
  }

  @Test
  void turningThePilotLightOffDeletesTheReserveAndInvalidAnnotationsAreReported() throws Exception {
    try (ClusterFixture c =
        new ClusterFixture(client, "reserve-off", ControllerSettings.defaults("example.com"))) {
      c.apply(HELLO);
      await("reserve Deployment", () -> reserveDeployment(c), x -> true);
      await("reserve Service", () -> c.endpointsService(REV + "-reserve"), x -> true);

      annotate(c, "false");
      await("reserve Deployment deleted", () -> reserveDeployment(c) == null, gone -> gone);
      await("reserve Service deleted", () -> c.endpointsService(REV + "-reserve") == null, g -> g);
      awaitReserveStatus(c, false, false);

      annotate(c, "yes");
      RevisionResource rev =
          await(
              "ResourcesAvailable InvalidReserveSpec",
              () -> c.revision(REV),
              r ->
                  r.getStatus() != null
                      && condition(r.getStatus().conditions(), "ResourcesAvailable")
                          .map(x -> "InvalidReserveSpec".equals(x.getReason()))
                          .orElse(false));
      Condition resources =
          condition(rev.getStatus().conditions(), "ResourcesAvailable").orElseThrow();
      assertThat(resources.getStatus()).isEqualTo("False");
      assertThat(resources.getMessage())
          .contains("metadata.annotations[pilotlight.dev/reserve-instance]")
          .contains("\"yes\"");
      assertThat(condition(rev.getStatus().conditions(), "Ready").orElseThrow().getStatus())
          .isEqualTo("False");
      assertThat(reserveDeployment(c)).isNull();
    }
  }

  private static Deployment reserveDeployment(ClusterFixture c) {
    return client.apps().deployments().inNamespace(c.ns).withName(REV + "-reserve").get();
  }

  /** What the Deployment controller would report: {@code ready} of its replicas ready. */
  private static void setReady(ClusterFixture c, Deployment d, int ready) {
    c.patchStatus(
        d,
        "{\"status\":{\"replicas\":"
            + d.getSpec().getReplicas()
            + ",\"readyReplicas\":"
            + ready
            + ",\"availableReplicas\":"
            + ready
            + "}}");
  }

  private static void annotate(ClusterFixture c, String value) {
    client
        .resources(RevisionResource.class)
        .inNamespace(c.ns)
        .withName(REV)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"pilotlight.dev/reserve-instance\":\""
                + value
                + "\"}}}");
  }

  private static RevisionResource awaitReserveStatus(
      ClusterFixture c, boolean enabled, boolean ready) {
    RevisionResource.Reserve want = new RevisionResource.Reserve(enabled, ready);
    return await(
        "reserve " + want,
        () -> c.revision(REV),
        r -> r.getStatus() != null && want.equals(r.getStatus().reserve()));
  }
}
