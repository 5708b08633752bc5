package dev.pilotlight.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The small decisions inside the reconcilers, table-driven. */
class ReconcilerRulesTest {

  static RevisionResource rev(String name, String ready) {
    RevisionResource r = new RevisionResource();
    r.getMetadata().setName(name);
    if (ready != null) {
      r.setStatus(
          new RevisionResource.Status(
              1L,
              List.of(new ConditionBuilder().withType("Ready").withStatus(ready).build()),
              null,
              null,
              null));
    }
    return r;
  }

  static ConfigurationResource.Status before(String latestReady) {
    return new ConfigurationResource.Status(1L, List.of(), null, latestReady);
  }

  static Stream<Arguments> latestReady() {
    return Stream.of(
        Arguments.of(
            "the latest created once ready",
            List.of(rev("a-1", "True"), rev("a-2", "True")),
            "a-2",
            null,
            "a-2"),
        Arguments.of(
            "a failing new revision does not take over",
            List.of(rev("a-1", "True"), rev("a-2", "False")),
            "a-2",
            before("a-1"),
            "a-1"),
        Arguments.of(
            "no previous: the newest ready one",
            List.of(rev("a-1", "True"), rev("a-2", "True"), rev("a-3", "Unknown")),
            "a-3",
            null,
            "a-2"),
        Arguments.of(
            "a deleted previous one is forgotten",
            List.of(rev("a-2", null)),
            "a-2",
            before("a-1"),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("latestReady")
  void latestReadyRevision(
      String name,
      List<RevisionResource> revisions,
      String latestCreated,
      ConfigurationResource.Status previous,
      String expected) {
    assertThat(
            ConfigurationReconciler.latestReady(
                new ArrayList<>(revisions), latestCreated, previous))
        .isEqualTo(expected);
  }

  static PodAutoscalerResource pa(Integer desired) {
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.setStatus(new PodAutoscalerResource.Status(null, null, desired, null));
    return pa;
  }

  static Deployment deployment(int replicas) {
    return new DeploymentBuilder().withNewSpec().withReplicas(replicas).endSpec().build();
  }

  static Stream<Arguments> replicas() {
    return Stream.of(
        Arguments.of("new revision: Knative's initial scale", null, null, 1),
        Arguments.of("the autoscaler has not spoken: keep what runs", pa(null), deployment(4), 4),
        Arguments.of("the autoscaler's desire", pa(3), deployment(1), 3),
        Arguments.of("to zero", pa(0), deployment(2), 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replicas")
  void deploymentReplicas(String name, PodAutoscalerResource pa, Deployment d, int expected) {
    assertThat(RevisionReconciler.replicas(pa, d)).isEqualTo(expected);
  }
}
