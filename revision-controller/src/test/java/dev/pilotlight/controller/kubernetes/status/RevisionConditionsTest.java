package dev.pilotlight.controller.kubernetes.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: a Revision's conditions from what its Deployment and pods report. */
class RevisionConditionsTest {
  static final String IMAGE = "ghcr.io/example/hello:1";

  static Deployment deployment(int ready, String condType, String condStatus, String reason) {
    DeploymentBuilder b =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("d")
            .endMetadata()
            .withNewStatus()
            .withReadyReplicas(ready)
            .endStatus();
    if (condType != null) {
      b.editStatus()
          .addNewCondition()
          .withType(condType)
          .withStatus(condStatus)
          .withReason(reason)
          .withMessage("detail")
          .endCondition()
          .endStatus();
    }
    return b.build();
  }

  static Pod waiting(String reason, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("demo")
        .endMetadata()
        .withNewStatus()
        .addNewContainerStatus()
        .withName("user-container")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .withNewLastState()
        .withNewTerminated()
        .withExitCode(3)
        .withMessage("panic: no config")
        .endTerminated()
        .endLastState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  /** The pod as the local node agent writes it: with its instance's log file. */
  static Pod local(Pod p) {
    p.getMetadata()
        .setAnnotations(
            java.util.Map.of(
                dev.pilotlight.api.kubernetes.KubernetesNames.LOG_ANNOTATION,
                "/state/logs/demo/r/p.log"));
    return p;
  }

  static Pod unschedulable() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage("0/3 nodes are available: 3 Insufficient cpu.")
        .endCondition()
        .endStatus()
        .build();
  }

  record Row(String resources, String health, String ready, String reason, String messagePart) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "nothing yet",
            false,
            null,
            List.of(),
            new Row("Unknown", "Unknown", "Unknown", "Deploying", "first instance")),
        Arguments.of(
            "first instance ready",
            false,
            deployment(1, null, null, null),
            List.of(),
            new Row("True", "True", "True", null, null)),
        Arguments.of(
            "scaled to zero after being ready stays ready",
            true,
            deployment(0, null, null, null),
            List.of(),
            new Row("True", "True", "True", null, null)),
        Arguments.of(
            "image pull failing",
            false,
            deployment(0, null, null, null),
            List.of(waiting("ImagePullBackOff", "Back-off pulling image")),
            new Row(
                "Unknown",
                "False",
                "False",
                "ImagePullBackOff",
                "Unable to pull image \"" + IMAGE + "\": Back-off pulling image")),
        Arguments.of(
            "crash loop",
            false,
            deployment(0, null, null, null),
            List.of(waiting("CrashLoopBackOff", "back-off 10s")),
            new Row(
                "Unknown",
                "False",
                "False",
                "ExitCode3",
                "Container failed with: panic: no config (see kubectl logs -n demo p -c"
                    + " user-container --previous)")),
        Arguments.of(
            "crash loop of a local instance: its log file, not kubectl",
            false,
            deployment(0, null, null, null),
            List.of(local(waiting("CrashLoopBackOff", "back-off 10s"))),
            new Row(
                "Unknown",
                "False",
                "False",
                "ExitCode3",
                "Container failed with: panic: no config (see /state/logs/demo/r/p.log)")),
        Arguments.of(
            "image pull of a local instance: the machine's engine, not the cluster's nodes",
            false,
            deployment(0, null, null, null),
            List.of(local(waiting("ErrImagePull", "manifest unknown"))),
            new Row(
                "Unknown",
                "False",
                "False",
                "ErrImagePull",
                "manifest unknown (check the image name and tag, and that this machine's container"
                    + " engine can pull from its registry)")),
        Arguments.of(
            "missing secret",
            false,
            null,
            List.of(waiting("CreateContainerConfigError", "secret \"db\" not found")),
            new Row(
                "Unknown",
                "False",
                "False",
                "CreateContainerConfigError",
                "secret \"db\" not found")),
        Arguments.of(
            "quota exceeded",
            false,
            deployment(0, "ReplicaFailure", "True", "FailedCreate"),
            List.of(),
            new Row(
                "False", "Unknown", "False", "FailedCreate", "cannot create instances: detail")),
        Arguments.of(
            "progress deadline",
            false,
            deployment(0, "Progressing", "False", "ProgressDeadlineExceeded"),
            List.of(),
            new Row("False", "Unknown", "False", "ProgressDeadlineExceeded", "progress deadline")),
        Arguments.of(
            "unschedulable",
            false,
            deployment(0, null, null, null),
            List.of(unschedulable()),
            new Row("False", "Unknown", "False", "Unschedulable", "Insufficient cpu")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void conditions(String name, boolean wasAvailable, Deployment d, List<Pod> pods, Row expected) {
    List<Cond> c = RevisionConditions.of(wasAvailable, d, pods, "user-container", IMAGE);
    assertThat(c)
        .extracting(Cond::type)
        .containsExactly("ResourcesAvailable", "ContainerHealthy", "Ready");
    assertThat(c.get(0).status()).as("ResourcesAvailable").isEqualTo(expected.resources());
    assertThat(c.get(1).status()).as("ContainerHealthy").isEqualTo(expected.health());
    Cond ready = c.get(2);
    assertThat(ready.status()).as("Ready").isEqualTo(expected.ready());
    assertThat(ready.reason()).isEqualTo(expected.reason());
    if (expected.messagePart() != null) {
      assertThat(ready.message()).contains(expected.messagePart());
    }
  }
}
