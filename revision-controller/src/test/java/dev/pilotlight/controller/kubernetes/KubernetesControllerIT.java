package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.ClusterFixture.await;
import static dev.pilotlight.controller.kubernetes.ClusterFixture.condition;
import static dev.pilotlight.controller.kubernetes.ClusterFixture.hasCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.Flag;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.MockCrds;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller against the fabric8 mock API server in CRUD mode, one namespace (and controller)
 * per test. The mock has no Deployment controller or kubelet: tests play them (Deployments become
 * ready, pods fail to pull) where a reconcile depends on them.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesControllerIT {
  static KubernetesClient client;

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
              autoscaling.knative.dev/target: "10"
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

  static ControllerSettings settings() {
    return ControllerSettings.defaults("example.com");
  }

  @Test
  void aServiceGetsItsChildrenWithOwnerReferencesAndBecomesReady() throws Exception {
    try (ClusterFixture c = new ClusterFixture(client, "children", settings())) {
      ServiceResource svc = c.apply(HELLO);

      ConfigurationResource config =
          await("Configuration", () -> c.configuration("hello"), x -> true);
      assertThat(config.getMetadata().getLabels())
          .containsEntry("serving.knative.dev/service", "hello");
      assertOwnedBy(
          config.getMetadata().getOwnerReferences(), "Service", svc.getMetadata().getUid());
      assertThat(config.getSpec())
          .isEqualTo(svc.getSpec().template() == null ? null : config.getSpec());
      assertThat(config.getSpec().template()).isEqualTo(svc.getSpec().template());

      RouteResource route = await("Route", () -> c.route("hello"), x -> true);
      assertOwnedBy(
          route.getMetadata().getOwnerReferences(), "Service", svc.getMetadata().getUid());
      assertThat(route.getSpec().traffic()).hasSize(1);
      assertThat(route.getSpec().traffic().get(0).configurationName()).isEqualTo("hello");

      RevisionResource rev = await("Revision", () -> c.revision("hello-00001"), x -> true);
      assertOwnedBy(
          rev.getMetadata().getOwnerReferences(), "Configuration", config.getMetadata().getUid());
      assertThat(rev.getMetadata().getLabels())
          .containsEntry("serving.knative.dev/configuration", "hello")
          .containsEntry("serving.knative.dev/service", "hello")
          .containsEntry("serving.knative.dev/configurationGeneration", "1");
      assertThat(rev.getMetadata().getAnnotations())
          .containsEntry("autoscaling.knative.dev/target", "10");
      assertThat(rev.getSpec())
          .isEqualTo(ServingDefaults.DEFAULTS.applyTo(svc.getSpec().template().spec()));

      Deployment d = await("Deployment", () -> c.deployment("hello-00001"), x -> true);
      assertOwnedBy(d.getMetadata().getOwnerReferences(), "Revision", rev.getMetadata().getUid());
      assertThat(d.getMetadata().getLabels())
          .containsEntry("serving.knative.dev/revision", "hello-00001")
          .containsEntry("serving.knative.dev/service", "hello")
          .containsEntry("pilotlight.dev/instance-class", "standard")
          .containsEntry("app.kubernetes.io/managed-by", "pilotlight");
      assertThat(d.getSpec().getReplicas()).isEqualTo(1);
      assertThat(d.getSpec().getSelector().getMatchLabels())
          .isEqualTo(
              Map.of(
                  "serving.knative.dev/revision", "hello-00001",
                  "pilotlight.dev/instance-class", "standard"));
      assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
          .isEqualTo(300L);
      Container container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(container.getImage()).isEqualTo("ghcr.io/example/hello:1");
      assertThat(container.getEnv())
          .extracting(EnvVar::getName, EnvVar::getValue)
          .contains(
              org.assertj.core.groups.Tuple.tuple("PORT", "9000"),
              org.assertj.core.groups.Tuple.tuple("K_SERVICE", "hello"),
              org.assertj.core.groups.Tuple.tuple("K_CONFIGURATION", "hello"),
              org.assertj.core.groups.Tuple.tuple("K_REVISION", "hello-00001"),
              org.assertj.core.groups.Tuple.tuple("PILOTLIGHT_INSTANCE_CLASS", "standard"));
      assertThat(container.getReadinessProbe().getTcpSocket().getPort().getIntVal())
          .isEqualTo(9000);

      Service headless =
          await("headless Service", () -> c.endpointsService("hello-00001"), x -> true);
      assertOwnedBy(
          headless.getMetadata().getOwnerReferences(), "Revision", rev.getMetadata().getUid());
      assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(headless.getSpec().getSelector())
          .containsEntry("serving.knative.dev/revision", "hello-00001")
          .containsEntry("pilotlight.dev/instance-class", "standard");
      assertThat(headless.getSpec().getPorts().get(0).getName()).isEqualTo("http");
      assertThat(headless.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(9000);

      PodAutoscalerResource pa =
          await("PodAutoscaler", () -> c.podAutoscaler("hello-00001"), x -> true);
      assertOwnedBy(pa.getMetadata().getOwnerReferences(), "Revision", rev.getMetadata().getUid());
      assertThat(pa.getMetadata().getAnnotations())
          .containsEntry("autoscaling.knative.dev/target", "10");
      assertThat(pa.getSpec().scaleTargetRef())
          .isEqualTo(
              new PodAutoscalerResource.ScaleTargetRef(
                  "apps/v1", "Deployment", "hello-00001-deployment"));
      assertThat(pa.getSpec().protocolType()).isEqualTo("http1");
      assertThat(pa.getSpec().containerConcurrency()).isEqualTo(4L);

      c.deploymentReady("hello-00001");

      ServiceResource ready =
          await(
              "Service Ready",
              () -> c.service("hello"),
              s ->
                  s.getStatus() != null
                      && hasCondition(s.getStatus().conditions(), "Ready", "True"));
      assertThat(ready.getStatus().url()).isEqualTo("http://hello.children.example.com");
      assertThat(ready.getStatus().latestCreatedRevisionName()).isEqualTo("hello-00001");
      assertThat(ready.getStatus().latestReadyRevisionName()).isEqualTo("hello-00001");
      assertThat(ready.getStatus().traffic())
          .containsExactly(new TrafficStatus("hello-00001", "hello", true, 100L, null, null));
      assertThat(ready.getStatus().observedGeneration())
          .isEqualTo(ready.getMetadata().getGeneration());
      for (String type : List.of("ConfigurationsReady", "RoutesReady")) {
        assertThat(hasCondition(ready.getStatus().conditions(), type, "True")).as(type).isTrue();
      }
      RevisionResource readyRev = c.revision("hello-00001");
      for (String type : List.of("Ready", "ResourcesAvailable", "ContainerHealthy")) {
        assertThat(hasCondition(readyRev.getStatus().conditions(), type, "True")).as(type).isTrue();
      }
      await(
          "PodAutoscaler actualScale and reachability",
          () -> c.podAutoscaler("hello-00001"),
          p ->
              p.getStatus() != null
                  && Integer.valueOf(1).equals(p.getStatus().actualScale())
                  && PodAutoscalerResource.REACHABLE.equals(p.getSpec().reachability()));
    }
  }

  @Test
  void aTemplateChangeStampsTheNextRevisionAndMovesLatestTrafficAndTagsGetUrls() throws Exception {
    try (ClusterFixture c = new ClusterFixture(client, "rollout", settings())) {
      c.apply(HELLO);
      c.deploymentReady("hello-00001");
      awaitTraffic(c, List.of("hello-00001"));
      String firstReadyTime =
          condition(c.awaitReady("hello-00001").getStatus().conditions(), "Ready")
              .orElseThrow()
              .getLastTransitionTime();

      c.apply(HELLO.replace("hello:1", "hello:2"));
      RevisionResource second = await("hello-00002", () -> c.revision("hello-00002"), x -> true);
      assertThat(second.getMetadata().getLabels())
          .containsEntry("serving.knative.dev/configurationGeneration", "2");
      // not ready yet: latest traffic stays where it is, the new revision comes up unrouted
      assertThat(c.route("hello").getStatus().traffic().get(0).revisionName())
          .isEqualTo("hello-00001");
      await(
          "hello-00002 PodAutoscaler",
          () -> c.podAutoscaler("hello-00002"),
          p -> p.getSpec().reachability() == null);

      c.deploymentReady("hello-00002");
      awaitTraffic(c, List.of("hello-00002"));
      await(
          "hello-00001 unreachable",
          () -> c.podAutoscaler("hello-00001"),
          p -> PodAutoscalerResource.UNREACHABLE.equals(p.getSpec().reachability()));
      assertThat(
              condition(c.revision("hello-00001").getStatus().conditions(), "Ready")
                  .orElseThrow()
                  .getLastTransitionTime())
          .as("lastTransitionTime kept while Ready stays True")
          .isEqualTo(firstReadyTime);

      c.apply(
          HELLO.replace("hello:1", "hello:2")
              + """
                traffic:
                  - revisionName: hello-00001
                    percent: 20
                    tag: old
                  - latestRevision: true
                    percent: 80
                    tag: current
              """);
      RouteResource route =
          await(
              "tagged traffic",
              () -> c.route("hello"),
              r -> r.getStatus().traffic() != null && r.getStatus().traffic().size() == 2);
      assertThat(route.getStatus().traffic())
          .containsExactly(
              new TrafficStatus(
                  "hello-00001", null, false, 20L, "old", "http://old-hello.rollout.example.com"),
              new TrafficStatus(
                  "hello-00002",
                  "hello",
                  true,
                  80L,
                  "current",
                  "http://current-hello.rollout.example.com"));
      assertThat(c.revisionNames()).containsExactly("hello-00001", "hello-00002");
    }
  }

  @Test
  void usersMistakesBecomeFalseConditionsWithActionableMessages() throws Exception {
    try (ClusterFixture c = new ClusterFixture(client, "mistakes", settings())) {
      c.apply(
          HELLO
              + """
                traffic:
                  - revisionName: hello-00009
                    percent: 100
              """);
      RouteResource route =
          await(
              "AllTrafficAssigned False",
              () -> c.route("hello"),
              r ->
                  r.getStatus() != null
                      && hasCondition(r.getStatus().conditions(), "AllTrafficAssigned", "False"));
      Condition assigned =
          condition(route.getStatus().conditions(), "AllTrafficAssigned").orElseThrow();
      assertThat(assigned.getReason()).isEqualTo("RevisionMissing");
      assertThat(assigned.getMessage())
          .contains("spec.traffic[0].revisionName: revision \"hello-00009\" does not exist");
      assertThat(hasCondition(route.getStatus().conditions(), "Ready", "False")).isTrue();
      ServiceResource svc =
          await(
              "Service RoutesReady False",
              () -> c.service("hello"),
              s ->
                  s.getStatus() != null
                      && hasCondition(s.getStatus().conditions(), "RoutesReady", "False"));
      assertThat(condition(svc.getStatus().conditions(), "Ready").orElseThrow().getMessage())
          .contains("hello-00009");

      // a broken image: the kubelet reports the pull failure on the revision's pod
      c.failingPod("hello-00001", "ErrImagePull", "pull access denied for ghcr.io/example/hello");
      RevisionResource rev =
          await(
              "ContainerHealthy False",
              () -> c.revision("hello-00001"),
              r ->
                  r.getStatus() != null
                      && hasCondition(r.getStatus().conditions(), "ContainerHealthy", "False"));
      Condition health = condition(rev.getStatus().conditions(), "ContainerHealthy").orElseThrow();
      assertThat(health.getReason()).isEqualTo("ErrImagePull");
      assertThat(health.getMessage())
          .contains("Unable to pull image \"ghcr.io/example/hello:1\"")
          .contains("pull access denied");
      ConfigurationResource config =
          await(
              "Configuration Ready False",
              () -> c.configuration("hello"),
              x ->
                  x.getStatus() != null
                      && hasCondition(x.getStatus().conditions(), "Ready", "False"));
      assertThat(condition(config.getStatus().conditions(), "Ready").orElseThrow().getReason())
          .isEqualTo("RevisionFailed");

      // an invalid annotation: refused with the field and the rule, nothing new is stamped
      c.apply(
          HELLO.replace(
              "autoscaling.knative.dev/target: \"10\"",
              "autoscaling.knative.dev/min-scale: \"-1\""));
      ServiceResource invalid =
          await(
              "Service InvalidSpec",
              () -> c.service("hello"),
              s ->
                  s.getStatus() != null
                      && condition(s.getStatus().conditions(), "Ready")
                          .map(x -> "InvalidSpec".equals(x.getReason()))
                          .orElse(false));
      assertThat(condition(invalid.getStatus().conditions(), "Ready").orElseThrow().getMessage())
          .contains("autoscaling.knative.dev/min-scale")
          .contains("-1");
      assertThat(c.revisionNames()).containsExactly("hello-00001");
    }
  }

  @Test
  void thePodAutoscalersDesiredScaleReachesTheDeployment() throws Exception {
    try (ClusterFixture c = new ClusterFixture(client, "scale", settings())) {
      c.apply(HELLO);
      PodAutoscalerResource pa =
          await("PodAutoscaler", () -> c.podAutoscaler("hello-00001"), x -> true);
      c.patchStatus(pa, "{\"status\":{\"desiredScale\":3}}"); // as the autoscaler writes it
      await("3 replicas", () -> c.deployment("hello-00001"), d -> d.getSpec().getReplicas() == 3);
      c.deploymentReady("hello-00001");
      await(
          "actualScale 3",
          () -> c.podAutoscaler("hello-00001"),
          p ->
              Integer.valueOf(3).equals(p.getStatus().actualScale())
                  && Integer.valueOf(3).equals(p.getStatus().desiredScale()));
      c.patchStatus(pa, "{\"status\":{\"desiredScale\":0}}");
      await("0 replicas", () -> c.deployment("hello-00001"), d -> d.getSpec().getReplicas() == 0);
    }
  }

  /** Knative's PodAutoscaler lifecycle, written by the controller next to actualScale. */
  @Test
  void thePodAutoscalersConditionsFollowKnativesLifecycle() throws Exception {
    try (ClusterFixture c = new ClusterFixture(client, "pa-conditions", settings())) {
      c.apply(HELLO);
      PodAutoscalerResource pa =
          await(
              "PodAutoscaler activating",
              () -> c.podAutoscaler("hello-00001"),
              p ->
                  p.getStatus() != null
                      && hasCondition(p.getStatus().conditions(), "Active", "Unknown")
                      && hasCondition(p.getStatus().conditions(), "Ready", "Unknown")
                      && hasCondition(
                          p.getStatus().conditions(), "ScaleTargetInitialized", "Unknown"));
      c.patchStatus(pa, "{\"status\":{\"desiredScale\":1}}"); // as the autoscaler writes it
      PodAutoscalerResource queued =
          await(
              "Active Queued",
              () -> c.podAutoscaler("hello-00001"),
              p ->
                  condition(p.getStatus().conditions(), "Active")
                      .map(x -> "Queued".equals(x.getReason()))
                      .orElse(false));
      assertThat(condition(queued.getStatus().conditions(), "Active").orElseThrow().getMessage())
          .isEqualTo("Requests to the target are being buffered as resources are provisioned.");
      c.deploymentReady("hello-00001");
      PodAutoscalerResource active =
          await(
              "Active and Ready",
              () -> c.podAutoscaler("hello-00001"),
              p ->
                  hasCondition(p.getStatus().conditions(), "Active", "True")
                      && hasCondition(p.getStatus().conditions(), "ScaleTargetInitialized", "True")
                      && hasCondition(p.getStatus().conditions(), "Ready", "True"));
      assertThat(active.getStatus().desiredScale()).as("the autoscaler's field stays").isEqualTo(1);
      assertThat(active.getStatus().actualScale()).isEqualTo(1);
      c.patchStatus(pa, "{\"status\":{\"desiredScale\":0}}");
      PodAutoscalerResource idle =
          await(
              "Active False NoTraffic",
              () -> c.podAutoscaler("hello-00001"),
              p ->
                  condition(p.getStatus().conditions(), "Ready")
                      .map(x -> "NoTraffic".equals(x.getReason()) && "False".equals(x.getStatus()))
                      .orElse(false));
      assertThat(condition(idle.getStatus().conditions(), "Active").orElseThrow().getMessage())
          .isEqualTo("The target is not receiving traffic.");
      assertThat(hasCondition(idle.getStatus().conditions(), "ScaleTargetInitialized", "True"))
          .isTrue();
      assertThat(idle.getStatus().desiredScale()).isZero();
    }
  }

  /**
   * Knative's template carried whole: with the flags on, every pod spec field of the template
   * reaches the Deployment as written (the serving container gets the runtime contract on top).
   */
  @Test
  void theDeploymentCarriesTheTemplatesPodSpecFieldByField() throws Exception {
    Features all = Features.DEFAULTS;
    for (String flag : Features.keys()) {
      if (flag.startsWith("kubernetes.")) {
        all = all.with(flag, Flag.ENABLED);
      }
    }
    try (ClusterFixture c =
        new ClusterFixture(
            client, "whole", settings().withServing(all, ServingDefaults.DEFAULTS))) {
      ServiceResource svc =
          c.apply(
              """
              apiVersion: serving.pilotlight.dev/v1
              kind: Service
              metadata:
                name: whole
              spec:
                template:
                  spec:
                    serviceAccountName: robot
                    imagePullSecrets: [{name: registry}]
                    nodeSelector: {disk: ssd}
                    securityContext: {runAsNonRoot: true, fsGroup: 2000}
                    tolerations: [{key: dedicated, operator: Equal, value: serving, effect: NoSchedule}]
                    volumes:
                      - {name: secret-vol, secret: {secretName: creds}}
                      - {name: scratch, emptyDir: {}}
                    initContainers:
                      - {name: migrate, image: ghcr.io/example/migrate:1, volumeMounts: [{name: scratch, mountPath: /scratch}]}
                    containers:
                      - name: app
                        image: ghcr.io/example/hello:1
                        ports: [{containerPort: 9000}]
                        volumeMounts: [{name: secret-vol, mountPath: /secrets, readOnly: true}]
                        livenessProbe: {exec: {command: [/bin/check]}}
                      - name: proxy
                        image: ghcr.io/example/proxy:1
                        volumeMounts: [{name: scratch, mountPath: /cache}]
              """);
      Deployment d = await("Deployment", () -> c.deployment("whole-00001"), x -> true);
      PodSpec template = svc.getSpec().template().spec().podSpec();
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      assertThat(pod.getServiceAccountName()).isEqualTo("robot");
      assertThat(pod.getImagePullSecrets()).isEqualTo(template.getImagePullSecrets());
      assertThat(pod.getNodeSelector()).isEqualTo(template.getNodeSelector());
      assertThat(pod.getSecurityContext()).isEqualTo(template.getSecurityContext());
      assertThat(pod.getTolerations()).isEqualTo(template.getTolerations());
      assertThat(pod.getVolumes()).isEqualTo(template.getVolumes());
      assertThat(pod.getInitContainers()).isEqualTo(template.getInitContainers());
      assertThat(pod.getContainers())
          .extracting(Container::getName)
          .containsExactly("app", "proxy");
      assertThat(pod.getContainers().get(0).getVolumeMounts())
          .isEqualTo(template.getContainers().get(0).getVolumeMounts());
      assertThat(pod.getContainers().get(0).getLivenessProbe())
          .isEqualTo(template.getContainers().get(0).getLivenessProbe());
      assertThat(pod.getContainers().get(1).getVolumeMounts())
          .isEqualTo(template.getContainers().get(1).getVolumeMounts());
      assertThat(pod.getContainers().get(1).getPorts()).isEmpty();
    }
  }

  /** The Deployment's progressDeadlineSeconds: the annotation, else config-deployment's. */
  @Test
  void theDeploymentCarriesTheProgressDeadline() throws Exception {
    try (ClusterFixture c =
        new ClusterFixture(
            client,
            "deadline",
            settings()
                .withAutoscalerConfig(
                    settings().autoscalerConfig().withProgressDeadline(Duration.ofSeconds(300))))) {
      c.apply(HELLO);
      await(
          "300s",
          () -> c.deployment("hello-00001"),
          d -> d != null && Integer.valueOf(300).equals(d.getSpec().getProgressDeadlineSeconds()));
      c.apply(
          HELLO.replace(
              "autoscaling.knative.dev/target: \"10\"",
              "autoscaling.knative.dev/target: \"10\"\n        serving.knative.dev/progress-deadline: 45s"));
      await(
          "45s",
          () -> c.deployment("hello-00002"),
          d -> d != null && Integer.valueOf(45).equals(d.getSpec().getProgressDeadlineSeconds()));
    }
  }

  @Test
  void garbageCollectionDeletesOldNonRoutedRevisionsAndKeepsNoGcOnes() throws Exception {
    GcConfig gc = new GcConfig(Duration.ZERO, Duration.ZERO, 1, GcConfig.DISABLED);
    try (ClusterFixture c = new ClusterFixture(client, "gc", settings().withGc(gc))) {
      String noGc =
          HELLO.replace(
              "autoscaling.knative.dev/target: \"10\"",
              "autoscaling.knative.dev/target: \"10\"\n        serving.knative.dev/no-gc: \"true\"");
      List<String> templates =
          List.of(
              HELLO,
              noGc.replace("hello:1", "hello:2"),
              HELLO.replace("hello:1", "hello:3"),
              HELLO.replace("hello:1", "hello:4"),
              HELLO.replace("hello:1", "hello:5"));
      for (int i = 0; i < templates.size(); i++) {
        String name = String.format("hello-%05d", i + 1);
        c.apply(templates.get(i));
        await(name, () -> c.revision(name), x -> true);
        c.deploymentReady(name);
        c.awaitReady(name);
        awaitTraffic(c, List.of(name));
      }
      // 00005 is routed; of the rest 00002 opted out and 00004, the most recently routed, is the
      // one non-active revision kept
      Await.until(
          "old revisions collected",
          ClusterFixture.DEADLINE,
          () -> c.revisionNames().equals(List.of("hello-00002", "hello-00004", "hello-00005")));
    }
  }

  private static void awaitTraffic(ClusterFixture c, List<String> revisions) {
    await(
        "traffic to " + revisions,
        () -> c.route("hello"),
        r ->
            r.getStatus() != null
                && r.getStatus().traffic() != null
                && r.getStatus().traffic().stream()
                    .map(TrafficStatus::revisionName)
                    .toList()
                    .equals(revisions));
  }

  private static void assertOwnedBy(List<OwnerReference> refs, String kind, String uid) {
    assertThat(refs).hasSize(1);
    OwnerReference ref = refs.get(0);
    assertThat(ref.getKind()).isEqualTo(kind);
    assertThat(ref.getUid()).isEqualTo(uid);
    assertThat(ref.getController()).isTrue();
    assertThat(ref.getBlockOwnerDeletion()).isTrue();
  }
}
