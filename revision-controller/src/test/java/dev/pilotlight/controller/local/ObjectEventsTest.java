package dev.pilotlight.controller.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.controller.local.ObjectEvents.Line;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectEventsTest {

  private static RevisionResource revision(Condition... conditions) {
    RevisionResource r = new RevisionResource();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("default")
            .withName("hello-00001")
            .withLabels(Map.of(KubernetesNames.CONFIGURATION_LABEL, "hello"))
            .build());
    r.setStatus(new RevisionResource.Status(1L, List.of(conditions), null, null, null));
    return r;
  }

  private static Condition ready(String status, String reason, String message) {
    return new ConditionBuilder()
        .withType("Ready")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  @Test
  void aRevisionReadyFailingAndDeleted() {
    // stamped: the Configuration reconciler logs that itself
    assertThat(ObjectEvents.revision(null, revision())).isEmpty();
    RevisionResource deploying = revision(ready("Unknown", "Deploying", "waiting"));
    RevisionResource ready = revision(ready("True", null, null));
    RevisionResource unschedulable =
        revision(ready("False", "Unschedulable", "no node can run an instance"));
    assertThat(ObjectEvents.revision(revision(), deploying)).isEmpty();
    assertThat(ObjectEvents.revision(deploying, ready))
        .containsExactly(new Line("default/hello-00001", "Revision default/hello-00001: ready"));
    assertThat(ObjectEvents.revision(ready, ready)).isEmpty();
    assertThat(ObjectEvents.revision(ready, unschedulable))
        .containsExactly(
            new Line(
                "default/hello-00001",
                "Revision default/hello-00001: Unschedulable: no node can run an instance"));
    assertThat(ObjectEvents.revision(unschedulable, null))
        .containsExactly(new Line("default/hello-00001", "Revision default/hello-00001: deleted"));
  }

  @Test
  void aRouteTrafficChangeAndARefusal() {
    RouteResource before =
        route(List.of(new TrafficStatus("a-00001", "a", true, 100L, null, null)));
    RouteResource after =
        route(
            List.of(
                new TrafficStatus("a-00001", null, false, 50L, null, null),
                new TrafficStatus("a-00002", null, false, 50L, "green", "http://x")));
    assertThat(ObjectEvents.route(before, after))
        .extracting(Line::message)
        .containsExactly("Route default/a: traffic a-00001 50%, a-00002 50% (tag green)");
    assertThat(ObjectEvents.route(after, after)).isEmpty();
  }

  @Test
  void thePilotLight() {
    assertThat(ObjectEvents.deployment(reserve(0, 0), reserve(1, 0)))
        .extracting(Line::message)
        .containsExactly(
            "Revision default/hello-00001: pilot light: starting the reserve instance");
    assertThat(ObjectEvents.deployment(reserve(1, 0), reserve(1, 1)))
        .extracting(Line::message)
        .containsExactly("Revision default/hello-00001: pilot light: reserve instance ready");
    assertThat(ObjectEvents.deployment(reserve(1, 1), reserve(0, 1)))
        .extracting(Line::message)
        .singleElement()
        .asString()
        .contains("the reserve finishes its requests");
  }

  @Test
  void anInstanceRestartedWithWhatEndedIt() {
    io.fabric8.kubernetes.api.model.Pod running = pod(0, null);
    io.fabric8.kubernetes.api.model.Pod restarted = pod(1, "container side exited with code 137");
    assertThat(ObjectEvents.pod(running, restarted))
        .containsExactly(
            new Line(
                "default/hello-00001",
                "Revision default/hello-00001: instance hello-00001-deployment-1 restarted (1"
                    + " restart): container side exited with code 137"));
    assertThat(ObjectEvents.pod(restarted, restarted)).isEmpty();
    assertThat(ObjectEvents.pod(null, restarted)).isEmpty();
  }

  private static io.fabric8.kubernetes.api.model.Pod pod(int restarts, String lastExit) {
    var status =
        new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
            .withName("user-container")
            .withRestartCount(restarts);
    if (lastExit != null) {
      status
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(143)
          .withMessage(lastExit)
          .endTerminated()
          .endLastState();
    }
    return new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("hello-00001-deployment-1")
        .withLabels(Map.of(KubernetesNames.REVISION_LABEL, "hello-00001"))
        .endMetadata()
        .withNewStatus()
        .withContainerStatuses(status.build())
        .endStatus()
        .build();
  }

  private static RouteResource route(List<TrafficStatus> traffic) {
    RouteResource r = new RouteResource();
    r.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("a").build());
    r.setStatus(new RouteResource.Status(1L, List.of(), "http://a.default.localhost", traffic));
    return r;
  }

  private static Deployment reserve(int replicas, int ready) {
    Map<String, String> labels =
        Map.of(
            KubernetesNames.REVISION_LABEL,
            "hello-00001",
            KubernetesNames.INSTANCE_CLASS_LABEL,
            "reserve");
    return new DeploymentBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName("hello-00001-reserve")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(ready)
        .endStatus()
        .build();
  }
}
