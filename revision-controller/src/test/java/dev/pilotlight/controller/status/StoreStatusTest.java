package dev.pilotlight.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.traffic.ResolvedTarget;
import dev.pilotlight.controller.kubernetes.Controller;
import dev.pilotlight.controller.kubernetes.ManualStoreController;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.status.StatusSnapshot.InstanceStatus;
import dev.pilotlight.controller.status.StatusSnapshot.KnativeCondition;
import dev.pilotlight.controller.status.StatusSnapshot.ReserveStatus;
import dev.pilotlight.controller.status.StatusSnapshot.RevisionStatus;
import dev.pilotlight.controller.status.StatusSnapshot.ServiceStatus;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreReads;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreStatus}: objects in, snapshot out. The objects are the real controller's (run over an
 * in-memory store in manual time on the test's thread); the test plays the autoscaler (the
 * PodAutoscaler's desired scale) and the node agent (Deployment status, pods), as the contract
 * between them says.
 */
class StoreStatusTest {
  static final String NS = "default";
  static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
  static final int PORT = 8080;

  static final String HELLO =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          spec:
            containers:
              - image: ghcr.io/example/hello:1
      """;

  static final String HELLO_V2 = HELLO.replace("hello:1", "hello:2");

  static final String SPLIT =
      HELLO_V2
          + """
            traffic:
              - revisionName: hello-00001
                percent: 50
              - latestRevision: true
                percent: 50
                tag: latest
          """;

  static final String RESERVE =
      HELLO.replace(
          "    spec:\n      containers:",
          "    metadata:\n      annotations:\n        pilotlight.dev/reserve-instance: \"true\"\n"
              + "    spec:\n      containers:");

  static final String MISSING_ROUTE =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Route
      metadata:
        name: pinned
      spec:
        traffic:
          - revisionName: gone-00009
            percent: 100
      """;

  final ManualStoreController world = new ManualStoreController();
  final ObjectStore store = world.store;
  final StoreReads reads = world.reads;
  final Controller controller = world.controller;

  @BeforeEach
  void manual() {
    controller.reconcileManually();
  }

  @AfterEach
  void close() {
    world.close();
  }

  // ---- the rest of the world ----

  void settle() {
    world.runUntilIdle();
  }

  /** As {@code kubectl apply}. */
  <T extends io.fabric8.kubernetes.client.CustomResource<?, ?>> void apply(
      String yaml, Class<T> type) {
    T o = Serialization.unmarshal(yaml, type);
    o.getMetadata().setNamespace(NS);
    T existing = store.get(type, ObjectKey.of(o));
    if (existing == null) {
      store.create(o);
    } else {
      @SuppressWarnings("unchecked")
      io.fabric8.kubernetes.client.CustomResource<Object, ?> e =
          (io.fabric8.kubernetes.client.CustomResource<Object, ?>) existing;
      e.setSpec(o.getSpec());
      store.update(existing);
    }
    settle();
  }

  void applyService(String yaml) {
    apply(yaml, ServiceResource.class);
  }

  /** The autoscaler: the PodAutoscaler's desired scale. */
  void desiredScale(String revision, int scale) {
    store.mergeStatusFields(
        PodAutoscalerResource.class, new ObjectKey(NS, revision), Map.of("desiredScale", scale));
    settle();
  }

  /** The node agent: a Deployment's status with {@code ready} of its replicas ready. */
  void deploymentStatus(String deployment, int ready) {
    Deployment d = store.get(Deployment.class, new ObjectKey(NS, deployment));
    int replicas = d.getSpec().getReplicas();
    store.replaceStatus(
        Deployment.class,
        new ObjectKey(NS, deployment),
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, replicas - ready))
            .build());
    settle();
  }

  /** A pod of {@code deployment} as the node agent writes them (the contract), with a status. */
  Pod podObject(String deployment, String instance, PodStatus status, boolean terminating) {
    Deployment d = store.get(Deployment.class, new ObjectKey(NS, deployment));
    return new PodBuilder()
        .withMetadata(
            new ObjectMetaBuilder()
                .withName(deployment + "-" + instance)
                .withNamespace(NS)
                .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
                .withAnnotations(
                    Map.of(
                        dev.pilotlight.api.kubernetes.KubernetesNames.PORT_ANNOTATION,
                        "41000",
                        dev.pilotlight.api.kubernetes.KubernetesNames.RUNTIME_ANNOTATION,
                        "container"))
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName(deployment)
                        .withUid(d.getMetadata().getUid())
                        .withController(true)
                        .build())
                .withDeletionTimestamp(terminating ? START.toString() : null)
                .build())
        .withStatus(status)
        .build();
  }

  /** The node agent writes a pod of {@code deployment}. */
  void pod(String deployment, String instance, PodStatus status) {
    Pod created = store.create(podObject(deployment, instance, status, false));
    store.replaceStatus(Pod.class, ObjectKey.of(created), status);
    settle();
  }

  static PodStatus running(boolean ready) {
    return new PodStatusBuilder()
        .withPhase("Running")
        .withConditions(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("user-container")
                .withImage("ghcr.io/example/hello:1")
                .withReady(ready)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(START.toString())
                .endRunning()
                .endState()
                .build())
        .build();
  }

  static PodStatus waiting(String reason, String message) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(
            new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
            new PodConditionBuilder().withType("Ready").withStatus("False").build())
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("user-container")
                .withImage("ghcr.io/example/hello:1")
                .withReady(false)
                .withRestartCount(0)
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .build())
        .build();
  }

  static PodStatus unschedulable(String message) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(
            new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(message)
                .build(),
            new PodConditionBuilder().withType("Ready").withStatus("False").build())
        .build();
  }

  /** HELLO with its first revision ready with one instance. */
  void helloReady() {
    applyService(HELLO);
    desiredScale("hello-00001", 1);
    pod("hello-00001-deployment", "a1", running(true));
    deploymentStatus("hello-00001-deployment", 1);
  }

  // ---- objects out ----

  StatusSnapshot snapshot() {
    return StoreStatus.of(StoreStatus.StoreObjects.of(store), "example.com", PORT);
  }

  /** The snapshot through the reads the controller has: the same. */
  StatusSnapshot snapshotThroughReads() {
    return StoreStatus.of(StoreStatus.StoreObjects.of(reads), "example.com", PORT);
  }

  static String show(ServiceStatus s) {
    return s.kind()
        + " "
        + s.namespace()
        + "/"
        + s.name()
        + " "
        + s.url()
        + " ready="
        + s.ready()
        + (s.reason() == null ? "" : " reason=" + s.reason())
        + " latest="
        + s.latestCreatedRevisionName()
        + "/"
        + s.latestReadyRevisionName()
        + " traffic=["
        + s.traffic().stream().map(StoreStatusTest::show).collect(Collectors.joining(", "))
        + "] conditions="
        + conditions(s.conditions());
  }

  static String show(ResolvedTarget t) {
    return t.revisionName()
        + " "
        + t.percent()
        + (t.latestRevision() ? " latest" : "")
        + (t.tag() == null ? "" : " tag=" + t.tag() + " " + t.url());
  }

  static String show(RevisionStatus r) {
    return r.name()
        + " svc="
        + r.service()
        + " desired="
        + r.desiredReplicas()
        + " actual="
        + r.actualReplicas()
        + " ready="
        + r.ready()
        + " routed="
        + r.routed()
        + " pending="
        + r.pending()
        + " conditions="
        + conditions(r.revisionConditions())
        + " pa="
        + r.conditions().stream()
            .map(c -> c.type() + "=" + c.status() + (c.reason() == null ? "" : "/" + c.reason()))
            .toList();
  }

  static String conditions(List<KnativeCondition> conditions) {
    return conditions == null
        ? "null"
        : conditions.stream()
            .map(c -> c.type() + "=" + c.status() + (c.reason() == null ? "" : "/" + c.reason()))
            .toList()
            .toString();
  }

  RevisionStatus revision(String name) {
    return snapshot().revisions().stream()
        .filter(r -> r.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  // ---- the rows ----

  @Test
  void aReadyServiceWithASplitAndATag() {
    helloReady();
    applyService(SPLIT);
    desiredScale("hello-00002", 1);
    pod("hello-00002-deployment", "b1", running(true));
    deploymentStatus("hello-00002-deployment", 1);

    StatusSnapshot s = snapshot();
    assertThat(s.services())
        .map(StoreStatusTest::show)
        .containsExactly(
            "Service default/hello http://hello.default.example.com:8080 ready=true"
                + " latest=hello-00002/hello-00002"
                + " traffic=[hello-00001 50, hello-00002 50 latest tag=latest"
                + " http://latest-hello.default.example.com:8080]"
                + " conditions=[ConfigurationsReady=True, Ready=True, RoutesReady=True]");
    assertThat(s.revisions())
        .map(StoreStatusTest::show)
        .containsExactly(
            "hello-00001 svc=hello desired=1 actual=1 ready=true routed=true pending=0"
                + " conditions=[Active=True, ContainerHealthy=True, Ready=True,"
                + " ResourcesAvailable=True]"
                + " pa=[Active=True, Ready=True, ScaleTargetInitialized=True]",
            "hello-00002 svc=hello desired=1 actual=1 ready=true routed=true pending=0"
                + " conditions=[Active=True, ContainerHealthy=True, Ready=True,"
                + " ResourcesAvailable=True]"
                + " pa=[Active=True, Ready=True, ScaleTargetInitialized=True]");
    RevisionStatus r1 = s.revisions().get(0);
    assertThat(r1.configuration()).isEqualTo("hello");
    assertThat(r1.message()).isNull();
    assertThat(r1.reserve()).isEqualTo(ReserveStatus.DISABLED);
    assertThat(r1.instances())
        .containsExactly(
            new InstanceStatus(
                "a1", "standard", "container", "ghcr.io/example/hello:1", "Ready", 41000, 0));
    assertThat(r1.revisionConditions())
        .allSatisfy(c -> assertThat(c.lastTransitionTime()).isEqualTo("2026-03-01T10:00:00Z"));
    assertThat(snapshotThroughReads()).isEqualTo(s);
  }

  @Test
  void aRevisionScaledToZeroStaysReady() {
    helloReady();
    desiredScale("hello-00001", 0);
    store.delete(Pod.class, new ObjectKey(NS, "hello-00001-deployment-a1"));
    deploymentStatus("hello-00001-deployment", 0);

    RevisionStatus r = revision("hello-00001");
    assertThat(show(r))
        .isEqualTo(
            "hello-00001 svc=hello desired=0 actual=0 ready=true routed=true pending=0"
                + " conditions=[Active=False/NoTraffic, ContainerHealthy=True, Ready=True,"
                + " ResourcesAvailable=True]"
                + " pa=[Active=False/NoTraffic, Ready=False/NoTraffic,"
                + " ScaleTargetInitialized=True]");
    assertThat(r.instances()).isEmpty();
    assertThat(snapshot().services().get(0).ready()).isTrue();
  }

  @Test
  void aRevisionWhosePodCannotPullItsImage() {
    applyService(HELLO);
    desiredScale("hello-00001", 1);
    pod("hello-00001-deployment", "a1", waiting("ErrImagePull", "manifest unknown"));
    deploymentStatus("hello-00001-deployment", 0);

    RevisionStatus r = revision("hello-00001");
    assertThat(r.ready()).isFalse();
    assertThat(r.message())
        .startsWith("Unable to pull image \"ghcr.io/example/hello:1\": manifest unknown");
    assertThat(conditions(r.revisionConditions()))
        .contains("ContainerHealthy=False/ErrImagePull", "Ready=False/ErrImagePull");
    assertThat(r.instances()).extracting(InstanceStatus::state).containsExactly("ErrImagePull");
    assertThat(r.pending()).isZero();

    ServiceStatus svc = snapshot().services().get(0);
    assertThat(svc.ready()).isFalse();
    assertThat(svc.reason()).isEqualTo("RevisionFailed");
    assertThat(svc.message()).contains("Unable to pull image");
    assertThat(conditions(svc.conditions())).contains("ConfigurationsReady=False/RevisionFailed");
  }

  @Test
  void aRevisionWaitingForCapacity() {
    applyService(HELLO);
    desiredScale("hello-00001", 1);
    pod("hello-00001-deployment", "a1", unschedulable("needs 2 CPUs, 0.5 free"));
    deploymentStatus("hello-00001-deployment", 0);

    RevisionStatus r = revision("hello-00001");
    assertThat(r.ready()).isFalse();
    assertThat(r.message()).startsWith("no node can run an instance: needs 2 CPUs, 0.5 free");
    assertThat(conditions(r.revisionConditions()))
        .contains("ResourcesAvailable=False/Unschedulable");
    assertThat(r.pending()).isEqualTo(1);
    assertThat(r.instances()).extracting(InstanceStatus::state).containsExactly("Pending");
  }

  @Test
  void aCrashLoopIsPendingWithTheCrashAsTheMessage() {
    applyService(HELLO);
    desiredScale("hello-00001", 1);
    PodStatus crashed = waiting("CrashLoopBackOff", "back-off 10s restarting");
    crashed.getContainerStatuses().get(0).setRestartCount(3);
    crashed
        .getContainerStatuses()
        .get(0)
        .setLastState(
            new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
                .withNewTerminated()
                .withExitCode(2)
                .withReason("Error")
                .endTerminated()
                .build());
    pod("hello-00001-deployment", "a1", crashed);

    RevisionStatus r = revision("hello-00001");
    assertThat(r.message()).startsWith("Container failed with: Error");
    assertThat(r.pending()).isEqualTo(1);
    assertThat(r.instances())
        .containsExactly(
            new InstanceStatus(
                "a1",
                "standard",
                "container",
                "ghcr.io/example/hello:1",
                "CrashLoopBackOff",
                41000,
                3));
  }

  @Test
  void theReserveOffStartingAndReady() {
    applyService(RESERVE);
    desiredScale("hello-00001", 1);
    pod("hello-00001-deployment", "a1", running(true));
    deploymentStatus("hello-00001-deployment", 1);
    assertThat(revision("hello-00001").reserve()).isEqualTo(new ReserveStatus(true, false, "off"));

    desiredScale("hello-00001", 0);
    assertThat(revision("hello-00001").reserve())
        .isEqualTo(new ReserveStatus(true, false, "starting"));
    assertThat(revision("hello-00001").actualReplicas())
        .as("the last standard instance stays until the reserve is ready")
        .isEqualTo(1);

    pod("hello-00001-reserve", "r1", running(true));
    deploymentStatus("hello-00001-reserve", 1);
    RevisionStatus r = revision("hello-00001");
    assertThat(r.reserve()).isEqualTo(new ReserveStatus(true, true, "ready"));
    assertThat(r.instances())
        .extracting(i -> i.name() + " " + i.instanceClass() + " " + i.state())
        .containsExactly("a1 standard Ready", "r1 reserve Ready");
  }

  /** The pilot light's state from the reserve Deployment and pods, as a table. */
  @Test
  void reserveStates() {
    applyService(RESERVE);
    RevisionResource rev = store.get(RevisionResource.class, new ObjectKey(NS, "hello-00001"));
    RevisionResource off = store.get(RevisionResource.class, new ObjectKey(NS, "hello-00001"));
    off.getMetadata().setAnnotations(Map.of());
    Pod terminating =
        new PodBuilder().withNewMetadata().withDeletionTimestamp("t").endMetadata().build();
    Pod live = new PodBuilder().withNewMetadata().endMetadata().build();
    record Row(RevisionResource rev, Deployment d, List<Pod> pods, ReserveStatus want) {}
    List<Row> rows =
        List.of(
            new Row(off, reserveDeployment(1, 1), List.of(live), ReserveStatus.DISABLED),
            new Row(rev, null, List.of(), new ReserveStatus(true, false, "off")),
            new Row(rev, reserveDeployment(0, 0), List.of(), new ReserveStatus(true, false, "off")),
            new Row(
                rev,
                reserveDeployment(1, 0),
                List.of(),
                new ReserveStatus(true, false, "starting")),
            new Row(
                rev,
                reserveDeployment(1, 0),
                List.of(live),
                new ReserveStatus(true, false, "starting")),
            new Row(
                rev,
                reserveDeployment(1, 1),
                List.of(live),
                new ReserveStatus(true, true, "ready")),
            new Row(
                rev,
                reserveDeployment(0, 1),
                List.of(terminating),
                new ReserveStatus(true, true, "draining")),
            new Row(
                rev,
                reserveDeployment(0, 0),
                List.of(terminating),
                new ReserveStatus(true, false, "draining")),
            new Row(
                rev,
                reserveDeployment(1, 0),
                List.of(terminating),
                new ReserveStatus(true, false, "draining")));
    for (Row row : rows) {
      assertThat(StoreStatus.reserve(row.rev(), row.d(), row.pods()))
          .as("%s", row)
          .isEqualTo(row.want());
    }
  }

  static Deployment reserveDeployment(int replicas, int ready) {
    return new DeploymentBuilder()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(ready)
        .endStatus()
        .build();
  }

  @Test
  void aDrainingReserve() {
    applyService(RESERVE);
    desiredScale("hello-00001", 1);
    pod("hello-00001-deployment", "a1", running(true));
    deploymentStatus("hello-00001-deployment", 1);
    Deployment reserve = store.get(Deployment.class, new ObjectKey(NS, "hello-00001-reserve"));
    assertThat(reserve.getSpec().getReplicas())
        .as("the standard instance serves: the reserve is not wanted")
        .isZero();
    // the agent's reserve pod finishing its requests (the store holds no deletionTimestamp of its
    // own: the pod is given as the agent reports it)
    StoreStatus.StoreObjects objects = StoreStatus.StoreObjects.of(store);
    List<Pod> pods = new ArrayList<>(objects.pods());
    pods.add(podObject("hello-00001-reserve", "r1", running(false), true));
    StatusSnapshot s =
        StoreStatus.of(
            new StoreStatus.StoreObjects(
                objects.services(),
                objects.routes(),
                objects.configurations(),
                objects.revisions(),
                objects.podAutoscalers(),
                objects.deployments(),
                pods),
            "example.com",
            PORT);
    RevisionStatus r = s.revisions().get(0);
    assertThat(r.reserve()).isEqualTo(new ReserveStatus(true, false, "draining"));
    assertThat(r.instances())
        .extracting(i -> i.name() + " " + i.instanceClass() + " " + i.state())
        .containsExactly("a1 standard Ready", "r1 reserve Terminating");
    assertThat(r.message()).as("the reserve's state is not the revision's problem").isNull();
  }

  @Test
  void aRouteWhoseRevisionDoesNotExist() {
    apply(MISSING_ROUTE, RouteResource.class);

    StatusSnapshot s = snapshot();
    assertThat(s.services()).hasSize(1);
    ServiceStatus row = s.services().get(0);
    assertThat(show(row))
        .isEqualTo(
            "Route default/pinned http://pinned.default.example.com:8080 ready=false"
                + " reason=RevisionMissing latest=null/null traffic=[]"
                + " conditions=[AllTrafficAssigned=False/RevisionMissing, Ready=False/RevisionMissing]");
    assertThat(row.message()).contains("gone-00009");
    assertThat(s.revisions()).isEmpty();
  }

  @Test
  void aServiceNotReconciledYet() {
    store.create(
        Serialization.unmarshal(
            HELLO.replace("name: hello", "name: new\n  namespace: default"),
            ServiceResource.class));
    ServiceStatus row = snapshot().services().get(0);
    assertThat(row.ready()).isFalse();
    assertThat(row.reason()).isEqualTo("NotReconciled");
    assertThat(row.traffic()).isEmpty();
    assertThat(row.url()).isEqualTo("http://new.default.example.com:8080");
  }
}
