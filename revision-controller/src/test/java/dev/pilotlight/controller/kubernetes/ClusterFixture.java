package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One namespace of the mock API server with a controller serving it, plus what a cluster would do
 * that the mock does not: Deployments becoming ready, pods failing.
 */
final class ClusterFixture implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  final KubernetesClient client;
  final String ns;
  final KubernetesController controller;

  ClusterFixture(KubernetesClient client, String ns, ControllerSettings settings) throws Exception {
    this.client = client;
    this.ns = ns;
    this.controller =
        new KubernetesController(client, ns, settings, Clock.systemUTC(), Ticker.system());
    controller.start().get(30, TimeUnit.SECONDS);
    controller.startReconciling();
  }

  ServiceResource apply(String yaml) {
    ServiceResource s = Serialization.unmarshal(yaml, ServiceResource.class);
    s.getMetadata().setNamespace(ns);
    if (service(s.getMetadata().getName()) == null) {
      return client.resource(s).create();
    }
    // as kubectl would: the new spec, whatever the status writes did meanwhile
    String patch =
        "[{\"op\":\"replace\",\"path\":\"/spec\",\"value\":"
            + Serialization.asJson(s.getSpec())
            + "}]";
    return client
        .resources(ServiceResource.class)
        .inNamespace(ns)
        .withName(s.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON), patch);
  }

  ServiceResource service(String name) {
    return client.resources(ServiceResource.class).inNamespace(ns).withName(name).get();
  }

  ConfigurationResource configuration(String name) {
    return client.resources(ConfigurationResource.class).inNamespace(ns).withName(name).get();
  }

  RevisionResource revision(String name) {
    return client.resources(RevisionResource.class).inNamespace(ns).withName(name).get();
  }

  List<String> revisionNames() {
    return client.resources(RevisionResource.class).inNamespace(ns).list().getItems().stream()
        .map(r -> r.getMetadata().getName())
        .sorted()
        .toList();
  }

  RouteResource route(String name) {
    return client.resources(RouteResource.class).inNamespace(ns).withName(name).get();
  }

  PodAutoscalerResource podAutoscaler(String name) {
    return client.resources(PodAutoscalerResource.class).inNamespace(ns).withName(name).get();
  }

  Deployment deployment(String revision) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .withName(KubernetesNames.deployment(revision))
        .get();
  }

  Service endpointsService(String revision) {
    return client.services().inNamespace(ns).withName(revision).get();
  }

  /** What the Deployment controller and kubelet would do: every wanted replica ready. */
  void deploymentReady(String revision) {
    Deployment d = await("Deployment of " + revision, () -> deployment(revision), x -> x != null);
    int replicas = d.getSpec().getReplicas();
    patchStatus(
        d,
        "{\"status\":{\"replicas\":"
            + replicas
            + ",\"readyReplicas\":"
            + replicas
            + ",\"availableReplicas\":"
            + replicas
            + "}}");
  }

  /** Waits until the revision's Ready condition is True. */
  RevisionResource awaitReady(String revision) {
    return await(
        revision + " Ready",
        () -> revision(revision),
        r -> r.getStatus() != null && hasCondition(r.getStatus().conditions(), "Ready", "True"));
  }

  void patchStatus(HasMetadata o, String json) {
    client.resource(o).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), json);
  }

  /** A pod of the revision whose container waits with {@code reason}, as the kubelet reports. */
  void failingPod(String revision, String reason, String message) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(revision + "-pod")
            .withNamespace(ns)
            .addToLabels(KubernetesNames.REVISION_LABEL, revision)
            .addToLabels(KubernetesNames.MANAGED_BY_LABEL, KubernetesNames.MANAGED_BY)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("user-container")
            .withImage("x")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("user-container")
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    client.resource(pod).create();
  }

  static Optional<Condition> condition(List<Condition> conditions, String type) {
    return Conditions.find(conditions, type);
  }

  static boolean hasCondition(List<Condition> conditions, String type, String status) {
    return condition(conditions, type).map(c -> status.equals(c.getStatus())).orElse(false);
  }

  static <T> T await(String what, Callable<T> supplier, Predicate<T> accept) {
    return Await.untilValue(what, DEADLINE, supplier, v -> v != null && accept.test(v));
  }

  @Override
  public void close() {
    controller.close();
  }
}
