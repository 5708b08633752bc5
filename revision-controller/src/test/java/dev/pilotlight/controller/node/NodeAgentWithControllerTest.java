package dev.pilotlight.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.InstanceLoad;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.controller.kubernetes.Controller;
import dev.pilotlight.controller.kubernetes.ManualStoreController;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.InstanceView.State;
import dev.pilotlight.controller.store.ObjectStore;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared controller and the node agent over one store, in manual time on the test's thread: the
 * agent plays the Deployment controller and the kubelet that {@code StoreControllerTest}'s test
 * plays by hand, so what it writes is what the reconcilers read.
 */
class NodeAgentWithControllerTest {
  static final String NS = "default";
  static final RevisionKey KEY = new RevisionKey(NS, "hello-00001");

  final ManualStoreController world = new ManualStoreController();
  final ObjectStore store = world.store;
  final Controller controller = world.controller;
  final RecordingRuntime runtime = new RecordingRuntime();
  final NodeAgent agent =
      new NodeAgent(store, runtime, InstanceLoad.NONE, world.clock, world.scheduler);

  @AfterEach
  void close() {
    agent.close();
    world.close();
  }

  void runUntilIdle() {
    world.runUntilIdle();
  }

  static String cond(List<Condition> conditions, String type) {
    for (Condition c : conditions) {
      if (c.getType().equals(type)) {
        return c.getStatus() + "/" + (c.getReason() == null ? "" : c.getReason());
      }
    }
    return null;
  }

  RevisionResource revision() {
    return store.get(RevisionResource.class, new ObjectKey(NS, "hello-00001"));
  }

  static InstanceView instance(State state, String reason, InstanceView.LastExit exit) {
    return new InstanceView(
        "hello-00001-1",
        InstanceClass.STANDARD,
        "process",
        null,
        state,
        reason,
        reason == null ? null : "instance hello-00001-1 exited with code 3",
        40001,
        exit == null ? 0 : 1,
        null,
        exit);
  }

  @Test
  void aServiceBecomesReadyWhenTheAgentsInstanceIsReady() {
    controller.reconcileManually();
    agent.start();
    ServiceResource s =
        Serialization.unmarshal(
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Service
            metadata:
              name: hello
              namespace: default
            spec:
              template:
                spec:
                  containers:
                    - image: ghcr.io/example/hello:1
            """,
            ServiceResource.class);
    store.create(s);
    runUntilIdle();
    Deployment d =
        store.get(Deployment.class, new ObjectKey(NS, KubernetesNames.deployment("hello-00001")));
    assertThat(runtime.calls)
        .containsExactly("apply default/hello-00001 " + d.getSpec().getReplicas());
    assertThat(cond(revision().getStatus().conditions(), "Ready")).startsWith("Unknown/");

    // crashing: the revision says why, from the pod's container status
    runtime.publish(
        KEY,
        instance(
            State.WAITING,
            "CrashLoopBackOff",
            new InstanceView.LastExit(3, "Error", "exited with code 3")));
    runUntilIdle();
    assertThat(cond(revision().getStatus().conditions(), "ContainerHealthy"))
        .isEqualTo("False/ExitCode3");

    runtime.publish(KEY, instance(State.READY, null, null));
    runUntilIdle();
    assertThat(cond(revision().getStatus().conditions(), "Ready")).isEqualTo("True/");
    assertThat(
            cond(
                store
                    .get(ServiceResource.class, new ObjectKey(NS, "hello"))
                    .getStatus()
                    .conditions(),
                "Ready"))
        .isEqualTo("True/");
  }
}
