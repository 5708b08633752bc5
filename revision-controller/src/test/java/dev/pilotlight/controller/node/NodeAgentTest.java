package dev.pilotlight.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.InstanceView.State;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node agent over an in-memory store with a recording runtime, manual time and events delivered
 * at once: Deployments in, runtime calls and Pods, EndpointSlices and Deployment status out.
 */
class NodeAgentTest {
  static final String NS = "default";
  static final String REV = "hello-00001";
  static final RevisionKey KEY = new RevisionKey(NS, REV);
  static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  final ManualTicker ticker = new ManualTicker(0);
  final ManualScheduler loop = new ManualScheduler(ticker);
  final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return START.plusNanos(ticker.nanoTime());
        }
      };
  final AtomicInteger uids = new AtomicInteger();
  final ObjectStore store =
      ObjectStore.open(
          StoreOptions.inMemory()
              .withClock(clock)
              .withUids(() -> "uid-" + uids.incrementAndGet())
              .withEvents(Runnable::run));
  final RecordingRuntime runtime = new RecordingRuntime();
  final Map<String, Integer> inFlight = new HashMap<>();
  NodeAgent agent = new NodeAgent(store, runtime, this::load, clock, loop);

  int load(RevisionKey revision, String instance) {
    return revision.equals(KEY) ? inFlight.getOrDefault(instance, 0) : 0;
  }

  @AfterEach
  void close() {
    agent.close();
    store.close();
  }

  // ---- objects in ----

  RevisionResource revision(String annotations) {
    RevisionResource r =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Revision
            metadata:
              name: hello-00001
              namespace: default
              labels:
                serving.knative.dev/configuration: hello
                serving.knative.dev/service: hello
              annotations:
            %s
            spec:
              timeoutSeconds: 2
              containers:
                - image: ghcr.io/example/hello:1
            """
                .formatted(annotations.indent(4)),
            RevisionResource.class);
    return store.create(r);
  }

  RevisionResource revision() {
    return revision("a: b");
  }

  RevisionResource reserveRevision() {
    return revision("pilotlight.dev/reserve-instance: \"true\"");
  }

  Deployment deployment(RevisionResource rev, int replicas) {
    store.create(RevisionChildren.endpointsService(rev));
    return store.create(RevisionChildren.deployment(rev, replicas));
  }

  Deployment reserveDeployment(RevisionResource rev, int replicas) {
    store.create(RevisionChildren.reserveEndpointsService(rev));
    return store.create(
        RevisionChildren.reserveDeployment(
            rev,
            ReserveSpecs.lenient(rev.getMetadata().getAnnotations(), 0).orElseThrow(),
            replicas));
  }

  void scale(String deployment, int replicas) {
    Deployment d = store.get(Deployment.class, new ObjectKey(NS, deployment));
    d.getSpec().setReplicas(replicas);
    store.update(d);
  }

  static InstanceView instance(String id, State state, Integer port) {
    return new InstanceView(
        id, InstanceClass.STANDARD, "process", null, state, null, null, port, 0, null, null);
  }

  static InstanceView reserve(String id, State state, Integer port) {
    return new InstanceView(
        id, InstanceClass.RESERVE, "process", null, state, null, null, port, 0, null, null);
  }

  void advance(Duration d) {
    loop.advance(d.toNanos(), TimeUnit.NANOSECONDS);
  }

  // ---- objects out ----

  EndpointSlice slice(String name) {
    return store.get(EndpointSlice.class, new ObjectKey(NS, name));
  }

  Pod pod(String name) {
    return store.get(Pod.class, new ObjectKey(NS, name));
  }

  DeploymentStatus status(String deployment) {
    return store.get(Deployment.class, new ObjectKey(NS, deployment)).getStatus();
  }

  static EndpointConditions conditions(EndpointSlice s) {
    return s.getEndpoints().get(0).getConditions();
  }

  static String condition(DeploymentStatus s, String type) {
    for (DeploymentCondition c : s.getConditions()) {
      if (c.getType().equals(type)) {
        return c.getStatus() + " " + c.getReason();
      }
    }
    return null;
  }

  static String podCondition(Pod p, String type) {
    for (PodCondition c : p.getStatus().getConditions()) {
      if (c.getType().equals(type)) {
        return c.getStatus() + (c.getReason() == null ? "" : " " + c.getReason());
      }
    }
    return null;
  }

  static final String DEPLOYMENT = KubernetesNames.deployment(REV);
  static final String RESERVE_DEPLOYMENT = KubernetesNames.reserveDeployment(REV);
  static final String POD = NodeObjects.podName(DEPLOYMENT, "hello-00001-1");
  static final String SLICE = NodeObjects.sliceName(REV, "hello-00001-1");

  // ---- rows ----

  @Test
  void aDeploymentIsAppliedAndItsInstancesAreWrittenAsPodsSlicesAndStatus() {
    RevisionResource rev = revision();
    Deployment d = deployment(rev, 1);
    agent.start();
    assertThat(runtime.calls).containsExactly("apply default/hello-00001 1");
    assertThat(status(DEPLOYMENT).getReplicas()).isZero();
    assertThat(condition(status(DEPLOYMENT), "Available"))
        .isEqualTo("False MinimumReplicasUnavailable");
    assertThat(condition(status(DEPLOYMENT), "Progressing")).isEqualTo("True ReplicaSetUpdated");

    // started, not ready: a not-ready endpoint at once (the gateway probes it), a Running pod
    runtime.publish(KEY, instance("hello-00001-1", State.STARTING, 40001));
    EndpointSlice s = slice(SLICE);
    assertThat(s.getMetadata().getName()).isEqualTo("hello-00001-hello-00001-1");
    assertThat(s.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "kubernetes.io/service-name",
                REV,
                KubernetesNames.REVISION_LABEL,
                REV,
                KubernetesNames.MANAGED_BY_LABEL,
                KubernetesNames.MANAGED_BY));
    assertThat(s.getAddressType()).isEqualTo("IPv4");
    assertThat(s.getPorts()).hasSize(1);
    assertThat(s.getPorts().get(0).getName()).isEqualTo("http");
    assertThat(s.getPorts().get(0).getPort()).isEqualTo(40001);
    assertThat(s.getPorts().get(0).getProtocol()).isEqualTo("TCP");
    assertThat(s.getEndpoints()).hasSize(1);
    assertThat(s.getEndpoints().get(0).getAddresses()).containsExactly("127.0.0.1");
    assertThat(conditions(s).getReady()).isFalse();
    assertThat(conditions(s).getServing()).isFalse();
    assertThat(conditions(s).getTerminating()).isFalse();
    assertThat(s.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Service"))
        .satisfies(o -> assertThat(o.getName()).isEqualTo(REV));

    Pod p = pod(POD);
    assertThat(POD).isEqualTo("hello-00001-deployment-hello-00001-1");
    assertThat(p.getMetadata().getLabels())
        .isEqualTo(d.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(p.getMetadata().getLabels())
        .containsEntry(KubernetesNames.INSTANCE_CLASS_LABEL, "standard");
    assertThat(p.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(d.getMetadata().getUid()));
    assertThat(p.getMetadata().getAnnotations())
        .containsEntry("pilotlight.dev/port", "40001")
        .containsEntry("pilotlight.dev/runtime", "process");
    assertThat(p.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    assertThat(podCondition(p, "PodScheduled")).isEqualTo("True");
    assertThat(podCondition(p, "Ready")).isEqualTo("False ContainersNotReady");
    ContainerStatus cs = p.getStatus().getContainerStatuses().get(0);
    assertThat(cs.getName()).isEqualTo("user-container");
    assertThat(cs.getImage()).isEqualTo("ghcr.io/example/hello:1");
    assertThat(cs.getReady()).isFalse();
    assertThat(cs.getState().getRunning().getStartedAt()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(status(DEPLOYMENT).getReplicas()).isEqualTo(1);
    assertThat(status(DEPLOYMENT).getReadyReplicas()).isZero();
    assertThat(status(DEPLOYMENT).getUnavailableReplicas()).isEqualTo(1);

    // ready
    advance(Duration.ofSeconds(3));
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));
    assertThat(conditions(slice(SLICE)).getReady()).isTrue();
    assertThat(conditions(slice(SLICE)).getServing()).isTrue();
    p = pod(POD);
    assertThat(podCondition(p, "Ready")).isEqualTo("True");
    assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
    // the running state keeps its start
    assertThat(p.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt())
        .isEqualTo("2026-03-01T10:00:00Z");
    DeploymentStatus st = status(DEPLOYMENT);
    assertThat(st.getObservedGeneration()).isEqualTo(1L);
    assertThat(st.getReplicas()).isEqualTo(1);
    assertThat(st.getUpdatedReplicas()).isEqualTo(1);
    assertThat(st.getReadyReplicas()).isEqualTo(1);
    assertThat(st.getAvailableReplicas()).isEqualTo(1);
    assertThat(st.getUnavailableReplicas()).isZero();
    assertThat(condition(st, "Available")).isEqualTo("True MinimumReplicasAvailable");
    assertThat(condition(st, "Progressing")).isEqualTo("True NewReplicaSetAvailable");
    assertThat(condition(st, "ReplicaFailure")).isNull();

    // the same again writes nothing
    long version = store.resourceVersion();
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));
    assertThat(store.resourceVersion()).isEqualTo(version);
  }

  @Test
  void scaledToZeroTheInstanceStopsAndItsPodAndSliceGo() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));

    scale(DEPLOYMENT, 0);
    assertThat(runtime.calls)
        .containsExactly("apply default/hello-00001 1", "apply default/hello-00001 0");
    runtime.publish(KEY, instance("hello-00001-1", State.TERMINATING, 40001));
    assertThat(slice(SLICE)).isNull(); // the gateway sends a stopping instance nothing
    assertThat(pod(POD).getMetadata().getDeletionTimestamp()).isEqualTo("2026-03-01T10:00:00Z");
    assertThat(podCondition(pod(POD), "Ready")).isEqualTo("False ContainersNotReady");
    assertThat(status(DEPLOYMENT).getReplicas()).isZero();
    assertThat(status(DEPLOYMENT).getObservedGeneration()).isEqualTo(2L);

    runtime.publish(KEY);
    assertThat(pod(POD)).isNull();
    assertThat(store.list(EndpointSlice.class)).isEmpty();
    assertThat(condition(status(DEPLOYMENT), "Available"))
        .isEqualTo("True MinimumReplicasAvailable");
    assertThat(condition(status(DEPLOYMENT), "Progressing"))
        .isEqualTo("True NewReplicaSetAvailable");
  }

  @Test
  void instancesWaitingForCapacityAreUnschedulablePodsWithoutSlices() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(
        KEY,
        new InstanceView(
            "hello-00001-1",
            InstanceClass.STANDARD,
            "process",
            null,
            State.PENDING,
            "Unschedulable",
            "0/1 nodes are available: 1 Insufficient cpu",
            null,
            0,
            null,
            null));
    Pod p = pod(POD);
    assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(podCondition(p, "PodScheduled")).isEqualTo("False Unschedulable");
    assertThat(p.getStatus().getConditions().get(0).getMessage())
        .isEqualTo("0/1 nodes are available: 1 Insufficient cpu");
    assertThat(p.getStatus().getContainerStatuses()).isEmpty();
    assertThat(p.getMetadata().getAnnotations()).doesNotContainKey("pilotlight.dev/port");
    assertThat(store.list(EndpointSlice.class)).isEmpty();
    assertThat(status(DEPLOYMENT).getReplicas()).isEqualTo(1);
  }

  @Test
  void aCrashingInstanceWaitsInCrashLoopBackOffWithItsLastExit() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(
        KEY,
        new InstanceView(
            "hello-00001-1",
            InstanceClass.STANDARD,
            "process",
            null,
            State.WAITING,
            "CrashLoopBackOff",
            "instance hello-00001-1 exited with code 3, restarting in 200ms",
            40001,
            2,
            null,
            new InstanceView.LastExit(3, "Error", "exited with code 3")));
    Pod p = pod(POD);
    assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    ContainerStatus cs = p.getStatus().getContainerStatuses().get(0);
    assertThat(cs.getRestartCount()).isEqualTo(2);
    assertThat(cs.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(cs.getState().getWaiting().getMessage()).contains("exited with code 3");
    assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(store.list(EndpointSlice.class)).isEmpty();
  }

  @Test
  void aRevisionTheRuntimeRefusesGetsReplicaFailureAndIsRetriedWhenItsObjectsChange() {
    runtime.refusal = "container user-container: no command (local mode runs a process)";
    deployment(revision(), 1);
    agent.start();
    assertThat(runtime.calls).isEmpty();
    DeploymentStatus st = status(DEPLOYMENT);
    assertThat(condition(st, "ReplicaFailure")).isEqualTo("True FailedCreate");
    assertThat(st.getConditions())
        .filteredOn(c -> c.getType().equals("ReplicaFailure"))
        .singleElement()
        .satisfies(c -> assertThat(c.getMessage()).isEqualTo(runtime.refusal));

    // not on every event: the same objects are refused the same way
    runtime.refusal = null;
    runtime.publish(KEY);
    assertThat(runtime.calls).isEmpty();

    // the Deployment changed: tried again, and it runs
    scale(DEPLOYMENT, 2);
    assertThat(runtime.calls).containsExactly("apply default/hello-00001 2");
    assertThat(condition(status(DEPLOYMENT), "ReplicaFailure")).isNull();
  }

  @Test
  void noProgressWithinTheDeadlineIsProgressDeadlineExceeded() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(KEY, instance("hello-00001-1", State.STARTING, 40001));
    assertThat(condition(status(DEPLOYMENT), "Progressing")).isEqualTo("True ReplicaSetUpdated");
    advance(Duration.ofSeconds(599));
    assertThat(condition(status(DEPLOYMENT), "Progressing")).isEqualTo("True ReplicaSetUpdated");
    advance(Duration.ofSeconds(2));
    assertThat(condition(status(DEPLOYMENT), "Progressing"))
        .isEqualTo("False ProgressDeadlineExceeded");
  }

  @Test
  void theReserveDrainsItsRequestsBeforeItStops() {
    RevisionResource rev = reserveRevision();
    deployment(rev, 0);
    reserveDeployment(rev, 1);
    agent.start();
    assertThat(runtime.calls)
        .containsExactly("apply default/hello-00001 0", "reserve default/hello-00001 true");
    runtime.publish(KEY, reserve("hello-00001-reserve-1", State.READY, 40009));
    String reserveSlice =
        NodeObjects.sliceName(
            KubernetesNames.reserveEndpointsService(REV), "hello-00001-reserve-1");
    String reservePod = NodeObjects.podName(RESERVE_DEPLOYMENT, "hello-00001-reserve-1");
    assertThat(slice(reserveSlice).getMetadata().getLabels())
        .containsEntry("kubernetes.io/service-name", "hello-00001-reserve");
    assertThat(conditions(slice(reserveSlice)).getReady()).isTrue();
    assertThat(pod(reservePod).getMetadata().getLabels())
        .containsEntry(KubernetesNames.INSTANCE_CLASS_LABEL, "reserve");
    assertThat(status(RESERVE_DEPLOYMENT).getReadyReplicas()).isEqualTo(1);

    // a standard instance took over: the reserve is told to go while it serves a request
    inFlight.put("127.0.0.1:40009", 1);
    scale(RESERVE_DEPLOYMENT, 0);
    EndpointConditions c = conditions(slice(reserveSlice));
    assertThat(c.getTerminating()).isTrue();
    assertThat(c.getReady()).isFalse();
    assertThat(c.getServing()).isTrue();
    assertThat(pod(reservePod).getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(podCondition(pod(reservePod), "Ready")).isEqualTo("False ContainersNotReady");
    assertThat(status(RESERVE_DEPLOYMENT).getReplicas()).isZero();
    advance(Duration.ofMillis(500));
    assertThat(runtime.calls).doesNotContain("reserve default/hello-00001 false");

    // the request is done: stopped at the next look
    inFlight.put("127.0.0.1:40009", 0);
    advance(Duration.ofMillis(100));
    assertThat(runtime.calls).endsWith("reserve default/hello-00001 false");
    runtime.publish(KEY);
    assertThat(slice(reserveSlice)).isNull();
    assertThat(pod(reservePod)).isNull();
  }

  @Test
  void aDrainingReserveIsStoppedOnceTheRevisionsTimeoutHasPassed() {
    RevisionResource rev = reserveRevision();
    deployment(rev, 0);
    reserveDeployment(rev, 1);
    agent.start();
    runtime.publish(KEY, reserve("hello-00001-reserve-1", State.READY, 40009));
    inFlight.put("hello-00001-reserve-1", 1); // counted by the runtime's id
    scale(RESERVE_DEPLOYMENT, 0);
    advance(Duration.ofMillis(1900));
    assertThat(runtime.calls).doesNotContain("reserve default/hello-00001 false");
    advance(Duration.ofMillis(200)); // timeoutSeconds: 2
    assertThat(runtime.calls).endsWith("reserve default/hello-00001 false");
  }

  @Test
  void aReserveWantedAgainWhileDrainingKeepsRunningWithAPodAnew() {
    RevisionResource rev = reserveRevision();
    deployment(rev, 0);
    reserveDeployment(rev, 1);
    agent.start();
    runtime.publish(KEY, reserve("hello-00001-reserve-1", State.READY, 40009));
    inFlight.put("hello-00001-reserve-1", 1);
    scale(RESERVE_DEPLOYMENT, 0);
    String reservePod = NodeObjects.podName(RESERVE_DEPLOYMENT, "hello-00001-reserve-1");
    assertThat(pod(reservePod).getMetadata().getDeletionTimestamp()).isNotNull();

    scale(RESERVE_DEPLOYMENT, 1);
    assertThat(pod(reservePod).getMetadata().getDeletionTimestamp()).isNull();
    assertThat(podCondition(pod(reservePod), "Ready")).isEqualTo("True");
    assertThat(
            conditions(slice(NodeObjects.sliceName(REV + "-reserve", "hello-00001-reserve-1")))
                .getTerminating())
        .isFalse();
    advance(Duration.ofSeconds(5));
    assertThat(runtime.calls).doesNotContain("reserve default/hello-00001 false");
  }

  @Test
  void aDeletedRevisionIsDeletedFromTheRuntimeWithItsPodsAndSlices() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));
    assertThat(store.list(Pod.class)).hasSize(1);

    store.delete(RevisionResource.class, new ObjectKey(NS, REV)); // cascades to its children
    assertThat(runtime.calls).endsWith("delete default/hello-00001");
    assertThat(store.list(Pod.class)).isEmpty();
    assertThat(store.list(EndpointSlice.class)).isEmpty();
  }

  @Test
  void revisionsAndDeploymentsMayArriveInAnyOrder() {
    agent.start();
    Deployment d;
    RevisionResource rev = revision();
    // the Deployment first would need the revision's uid: a Deployment without its revision
    store.create(RevisionChildren.endpointsService(rev));
    d = RevisionChildren.deployment(rev, 2);
    store.delete(RevisionResource.class, new ObjectKey(NS, REV));
    store.create(d);
    assertThat(runtime.calls).isEmpty(); // no revision: nothing to run
    revision();
    assertThat(runtime.calls).containsExactly("apply default/hello-00001 2");
  }

  @Test
  void aRefusedWriteIsRetriedWithBackoffAndTheSliceIsNotHeldUpByIt() {
    deployment(revision(), 1);
    agent.start();
    // a Pod of the same name that is not the agent's: its create is refused (409) until it goes
    store.create(
        new io.fabric8.kubernetes.api.model.PodBuilder()
            .withNewMetadata()
            .withName(POD)
            .withNamespace(NS)
            .endMetadata()
            .build());
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));
    assertThat(conditions(slice(SLICE)).getReady()).isTrue(); // written first
    assertThat(pod(POD).getMetadata().getLabels()).isNullOrEmpty();
    advance(Duration.ofMillis(50));
    advance(Duration.ofMillis(100)); // backing off: 50 ms, 100 ms, ...
    assertThat(pod(POD).getMetadata().getLabels()).isNullOrEmpty();

    store.delete(Pod.class, new ObjectKey(NS, POD));
    advance(NodeAgent.MAX_BACKOFF);
    assertThat(pod(POD).getMetadata().getLabels())
        .containsEntry(KubernetesNames.REVISION_LABEL, REV);
    assertThat(status(DEPLOYMENT).getReadyReplicas()).isEqualTo(1);
  }

  @Test
  void anH2cRevisionsSlicesNameTheirPortH2c() {
    RevisionResource r =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Revision
            metadata:
              name: hello-00001
              namespace: default
            spec:
              containers:
                - image: ghcr.io/example/hello:1
                  ports:
                    - name: h2c
                      containerPort: 8080
            """,
            RevisionResource.class);
    deployment(store.create(r), 1);
    agent.start();
    runtime.publish(KEY, instance("hello-00001-1", State.STARTING, 40001));
    assertThat(slice(SLICE).getPorts().get(0).getName()).isEqualTo("h2c");
  }

  @Test
  void aNewAgentOverAStoreWithDeploymentsRealizesThem() {
    deployment(revision(), 1);
    agent.start();
    runtime.publish(KEY, instance("hello-00001-1", State.READY, 40001));
    agent.close();

    RecordingRuntime fresh = new RecordingRuntime();
    agent = new NodeAgent(store, fresh, this::load, clock, loop);
    agent.start();
    assertThat(fresh.calls).containsExactly("apply default/hello-00001 1");
    // what the old runtime ran is gone: its pod and slice too, until the new one reports
    assertThat(store.list(Pod.class)).isEmpty();
    fresh.publish(KEY, instance("hello-00001-1", State.READY, 40002));
    assertThat(slice(SLICE).getPorts().get(0).getPort()).isEqualTo(40002);
  }
}
