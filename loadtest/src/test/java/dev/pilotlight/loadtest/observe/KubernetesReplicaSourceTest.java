package dev.pilotlight.loadtest.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesReplicaSourceTest {
  KubernetesClient client;

  static Deployment deployment(
      String name, Map<String, String> labels, int replicas, Integer ready) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .withNewStatus()
        .withReadyReplicas(ready)
        .endStatus()
        .build();
  }

  void create(Deployment d) {
    client.apps().deployments().inNamespace("default").resource(d).create();
  }

  @Test
  void sumsTheServicesDeploymentsAndCountsTheReserveApart() throws IOException {
    create(
        deployment(
            "hello-00001",
            Map.of(
                "serving.knative.dev/service", "hello",
                "serving.knative.dev/revision", "hello-00001"),
            3,
            2));
    create(deployment("hello-00002", Map.of("serving.knative.dev/service", "hello"), 1, null));
    create(
        deployment(
            "hello-00001-reserve",
            Map.of(
                "serving.knative.dev/service", "hello",
                "pilotlight.dev/instance-class", "reserve"),
            1,
            1));
    create(deployment("other", Map.of("serving.knative.dev/service", "other"), 7, 7));

    try (KubernetesReplicaSource s = new KubernetesReplicaSource(client, "default/hello", false)) {
      assertThat(s.read()).isEqualTo(new Replicas(4, 2, 1));
    }
    try (KubernetesReplicaSource s =
        new KubernetesReplicaSource(client, "default/hello-00001", false)) {
      assertThat(s.read()).isEqualTo(new Replicas(3, 2, 0));
    }
  }

  @Test
  void nothingLabelledWithTheNameIsRefused() {
    try (KubernetesReplicaSource s = new KubernetesReplicaSource(client, "default/nope", false)) {
      assertThatThrownBy(s::read)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no Deployment in namespace default")
          .hasMessageContaining("\"nope\"");
    }
  }
}
