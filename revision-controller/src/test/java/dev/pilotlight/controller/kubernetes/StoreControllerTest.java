package dev.pilotlight.controller.kubernetes;

import static dev.pilotlight.controller.kubernetes.ReconcilerTableTest.cond;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.controller.store.ObjectStore;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole controller (loops, handlers, reconcilers) over the object store, in manual time on the
 * test's thread: the store's events feed the handlers, the handlers the queues, the loops the
 * reconcilers, whose writes make more events, until nothing is left to do. The test plays the
 * Deployment controller (ready replicas), the part a node agent will play in local mode.
 */
class StoreControllerTest {
  final ManualStoreController world = new ManualStoreController();
  final ObjectStore store = world.store;
  final Controller controller = world.controller;

  @AfterEach
  void close() {
    world.close();
  }

  /** Delivers events and reconciles until neither has anything left; the reconciles run. */
  int runUntilIdle() {
    return world.runUntilIdle();
  }

  void apply(String yaml) {
    ServiceResource s = Serialization.unmarshal(yaml, ServiceResource.class);
    s.getMetadata().setNamespace(StoreWorld.NS);
    ServiceResource existing = store.get(ServiceResource.class, StoreWorld.key("hello"));
    if (existing == null) {
      store.create(s);
    } else {
      existing.setSpec(s.getSpec());
      store.update(existing);
    }
  }

  void ready(String revision) {
    Deployment d =
        store.get(Deployment.class, StoreWorld.key(KubernetesNames.deployment(revision)));
    int n = d.getSpec().getReplicas();
    store.replaceStatus(
        Deployment.class,
        StoreWorld.key(KubernetesNames.deployment(revision)),
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(n)
            .withReadyReplicas(n)
            .withAvailableReplicas(n)
            .withUpdatedReplicas(n)
            .build());
  }

  ServiceResource service() {
    return store.get(ServiceResource.class, StoreWorld.key("hello"));
  }

  List<String> traffic() {
    return store.get(RouteResource.class, StoreWorld.key("hello")).getStatus().traffic().stream()
        .map(ReconcilerTableTest::show)
        .toList();
  }

  @Test
  void aServiceReachesItsObjectsAndFollowsATemplateChangeAndItsDeletion() {
    controller.reconcileManually();
    apply(ReconcilerTableTest.HELLO);
    assertThat(runUntilIdle()).isPositive();

    for (Class<?> kind :
        List.of(
            ConfigurationResource.class,
            RouteResource.class,
            RevisionResource.class,
            Deployment.class,
            Service.class,
            PodAutoscalerResource.class)) {
      assertThat(store.list(kind.asSubclass(io.fabric8.kubernetes.api.model.HasMetadata.class)))
          .as(kind.getSimpleName())
          .hasSize(1);
    }
    assertThat(cond(service().getStatus().conditions(), "Ready")).startsWith("Unknown/");

    ready("hello-00001");
    runUntilIdle();
    ServiceResource.Status status = service().getStatus();
    assertThat(cond(status.conditions(), "Ready")).isEqualTo("True/");
    assertThat(status.url()).isEqualTo("http://hello.default.example.com");
    assertThat(status.latestReadyRevisionName()).isEqualTo("hello-00001");
    assertThat(traffic()).containsExactly("hello-00001 100 latest=true tag=null");
    assertThat(runUntilIdle()).as("converged: nothing more to reconcile").isZero();

    apply(ReconcilerTableTest.HELLO_V2);
    runUntilIdle();
    assertThat(service().getStatus().latestCreatedRevisionName()).isEqualTo("hello-00002");
    assertThat(traffic())
        .as("a revision not ready takes no traffic")
        .containsExactly("hello-00001 100 latest=true tag=null");
    ready("hello-00002");
    runUntilIdle();
    assertThat(traffic()).containsExactly("hello-00002 100 latest=true tag=null");
    assertThat(cond(service().getStatus().conditions(), "Ready")).isEqualTo("True/");

    store.delete(ServiceResource.class, StoreWorld.key("hello"));
    runUntilIdle();
    assertThat(store.size()).as("everything it owned, transitively, is gone").isZero();
  }

  @Test
  void objectsStoredBeforeTheControllerStartsAreReconciled() {
    apply(ReconcilerTableTest.HELLO);
    controller.reconcileManually();
    runUntilIdle();
    assertThat(
            store
                .get(RevisionResource.class, StoreWorld.key("hello-00001"))
                .getMetadata()
                .getName())
        .isEqualTo("hello-00001");
  }
}
