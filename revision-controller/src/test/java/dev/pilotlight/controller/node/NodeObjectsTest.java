package dev.pilotlight.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.controller.runtime.InstanceView;
import dev.pilotlight.controller.runtime.InstanceView.State;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A Deployment's status as the Deployment controller would compute it, row by row. */
class NodeObjectsTest {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  static Deployment deployment(int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("hello-00001-deployment")
        .withNamespace("default")
        .withGeneration(3L)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(60)
        .endSpec()
        .build();
  }

  static List<InstanceView> instances(int ready, int starting) {
    List<InstanceView> out = new ArrayList<>();
    for (int i = 0; i < ready + starting; i++) {
      out.add(
          new InstanceView(
              "i-" + i,
              InstanceClass.STANDARD,
              "process",
              null,
              i < ready ? State.READY : State.STARTING,
              null,
              null,
              40000 + i,
              0,
              null,
              null));
    }
    return out;
  }

  static String condition(DeploymentStatus s, String type) {
    for (DeploymentCondition c : s.getConditions()) {
      if (c.getType().equals(type)) {
        return c.getStatus() + " " + c.getReason();
      }
    }
    return "-";
  }

  @ParameterizedTest(name = "{0} wanted, {1} ready, {2} starting → {3} / {4}")
  @CsvSource({
    "0, 0, 0, True MinimumReplicasAvailable, True NewReplicaSetAvailable",
    "1, 0, 0, False MinimumReplicasUnavailable, True ReplicaSetUpdated",
    "1, 0, 1, False MinimumReplicasUnavailable, True ReplicaSetUpdated",
    "1, 1, 0, True MinimumReplicasAvailable, True NewReplicaSetAvailable",
    // maxUnavailable 25%, rounded down
    "4, 3, 1, True MinimumReplicasAvailable, True ReplicaSetUpdated",
    "4, 2, 2, False MinimumReplicasUnavailable, True ReplicaSetUpdated",
    "2, 1, 1, False MinimumReplicasUnavailable, True ReplicaSetUpdated",
  })
  void counts(int wanted, int ready, int starting, String available, String progressing) {
    DeploymentStatus s =
        NodeObjects.deploymentStatus(deployment(wanted), instances(ready, starting), null, NOW);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getReplicas()).isEqualTo(ready + starting);
    assertThat(s.getUpdatedReplicas()).isEqualTo(ready + starting);
    assertThat(s.getReadyReplicas()).isEqualTo(ready);
    assertThat(s.getAvailableReplicas()).isEqualTo(ready);
    assertThat(s.getUnavailableReplicas()).isEqualTo(Math.max(0, wanted - ready));
    assertThat(condition(s, "Available")).isEqualTo(available);
    assertThat(condition(s, "Progressing")).isEqualTo(progressing);
    assertThat(condition(s, "ReplicaFailure")).isEqualTo("-");
  }

  @ParameterizedTest(name = "no progress for {0} s of 60 → {1}")
  @CsvSource({
    "0, True ReplicaSetUpdated",
    "59, True ReplicaSetUpdated",
    "60, False ProgressDeadlineExceeded",
    "600, False ProgressDeadlineExceeded",
  })
  void progressDeadline(long seconds, String progressing) {
    Deployment d = deployment(1);
    d.setStatus(NodeObjects.deploymentStatus(d, instances(0, 1), null, NOW));
    assertThat(NodeObjects.progressDeadlineAt(d, d.getStatus())).isEqualTo(NOW.plusSeconds(60));
    DeploymentStatus later =
        NodeObjects.deploymentStatus(
            d, instances(0, 1), null, NOW.plus(Duration.ofSeconds(seconds)));
    assertThat(condition(later, "Progressing")).isEqualTo(progressing);
  }

  @ParameterizedTest(name = "a refusal is ReplicaFailure FailedCreate")
  @CsvSource({"no command"})
  void refusal(String message) {
    DeploymentStatus s = NodeObjects.deploymentStatus(deployment(1), List.of(), message, NOW);
    assertThat(condition(s, "ReplicaFailure")).isEqualTo("True FailedCreate");
    assertThat(s.getConditions().get(2).getMessage()).isEqualTo(message);
  }
}
