package dev.pilotlight.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.model.RouteSpec;
import dev.pilotlight.api.model.TrafficTarget;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconcilers' reads over the store: the informers' joins and filter. */
class StoreReadsTest {
  static final Map<String, String> MANAGED =
      Map.of(KubernetesNames.MANAGED_BY_LABEL, KubernetesNames.MANAGED_BY);

  final ArrayDeque<Runnable> events = new ArrayDeque<>();
  final ObjectStore store = ObjectStore.open(StoreOptions.inMemory().withEvents(events::add));
  final StoreReads reads = new StoreReads(store);

  @AfterEach
  void close() {
    store.close();
  }

  static <T extends HasMetadata> T named(T o, String name, Map<String, String> labels) {
    o.getMetadata().setName(name);
    o.getMetadata().setNamespace("default");
    o.getMetadata().setLabels(new HashMap<>(labels));
    return o;
  }

  static Pod pod(String name, String revision, boolean managed) {
    Map<String, String> labels = new HashMap<>();
    labels.put(KubernetesNames.REVISION_LABEL, revision);
    if (managed) {
      labels.putAll(MANAGED);
    }
    return named(new PodBuilder().withNewMetadata().endMetadata().build(), name, labels);
  }

  @Test
  void theJoinsAnswerAsTheInformersIndexes() {
    store.create(
        named(
            new RevisionResource(),
            "hello-00001",
            Map.of(KubernetesNames.CONFIGURATION_LABEL, "hello")));
    store.create(
        named(
            new RevisionResource(),
            "bye-00001",
            Map.of(KubernetesNames.CONFIGURATION_LABEL, "bye")));
    RouteResource route = named(new RouteResource(), "hello", Map.of());
    route.setSpec(
        new RouteSpec(
            List.of(
                new TrafficTarget("hello-00001", null, null, 50L, null),
                new TrafficTarget(null, "hello", true, 50L, null))));
    store.create(route);
    // the status names another revision: found by it too, once written
    store.replaceStatus(
        RouteResource.class,
        new ObjectKey("default", "hello"),
        new RouteResource.Status(
            1L,
            List.of(),
            null,
            List.of(new TrafficStatus("hello-00002", "hello", true, 50L, null, null))));

    assertThat(reads.revisionsOf("default", "hello"))
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("hello-00001");
    assertThat(reads.routesNaming("default", "hello-00001")).hasSize(1);
    assertThat(reads.routesNaming("default", "hello-00002")).hasSize(1);
    assertThat(reads.routesNaming("other", "hello-00001")).isEmpty();
    assertThat(reads.routesOfConfiguration("default", "hello")).hasSize(1);
    assertThat(reads.routesOfConfiguration("default", "bye")).isEmpty();
    assertThat(reads.list(RevisionResource.class)).hasSize(2);
  }

  @Test
  void deploymentsServicesAndPodsAreSeenOnlyWhereManaged() {
    store.create(pod("mine", "hello-00001", true));
    store.create(pod("theirs", "hello-00001", false));
    Deployment theirs =
        named(
            new DeploymentBuilder().withNewMetadata().endMetadata().withNewSpec().endSpec().build(),
            "x-deployment",
            Map.of());
    store.create(theirs);
    store.create(
        named(
            new DeploymentBuilder().withNewMetadata().endMetadata().withNewSpec().endSpec().build(),
            "y-deployment",
            MANAGED));

    assertThat(reads.podsOf("default", "hello-00001"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("mine");
    assertThat(reads.deployment("default", "x-deployment")).isNull();
    assertThat(reads.deployment("default", "y-deployment")).isNotNull();
    assertThat(reads.list(Deployment.class))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("y-deployment");

    List<String> seen = new ArrayList<>();
    reads.onChange(Pod.class, p -> seen.add(p.getMetadata().getName()));
    reads.onChange(RevisionResource.class, r -> seen.add(r.getMetadata().getName()));
    store.create(named(new RevisionResource(), "hello-00003", Map.of()));
    Runnable r;
    while ((r = events.poll()) != null) {
      r.run();
    }
    assertThat(seen).containsExactly("mine", "hello-00003");
  }
}
