package dev.pilotlight.activator.kubernetes;

import static dev.pilotlight.activator.feed.K8sFixtures.ready;
import static dev.pilotlight.activator.feed.K8sFixtures.starting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.TestGateway;
import dev.pilotlight.activator.feed.K8sFixtures;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

/** The gateway learns its replica index and count from its Service's EndpointSlices. */
@EnableKubernetesMockClient(crud = true)
class GatewayReplicaWatchIT {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String NS = "pilotlight-system";
  KubernetesClient client;

  static EndpointSlice slice(
      String name, String service, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... e) {
    EndpointSlice s = K8sFixtures.slice(NS, name, "unused", service, "http", 8080, e);
    // the gateway Service's slices carry only Kubernetes' service-name label
    s.getMetadata().setLabels(new HashMap<>(s.getMetadata().getLabels()));
    s.getMetadata()
        .getLabels()
        .remove(dev.pilotlight.api.kubernetes.KubernetesNames.REVISION_LABEL);
    s.getMetadata().getLabels().put(GatewayReplicaWatch.SERVICE_NAME_LABEL, service);
    return s;
  }

  @Test
  void theReplicaCountAndIndexFollowTheServicesReadyEndpoints() throws Exception {
    Gateway gateway =
        new Gateway(
            TestGateway.config(10, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            TestGateway.NO_STATS,
            Ticker.system());
    try (GatewayReplicaWatch watch =
        new GatewayReplicaWatch(client, NS, "pilotlight-activator", "10.0.0.5", gateway)) {
      watch.start();
      client
          .resource(
              slice(
                  "pilotlight-activator-a",
                  "pilotlight-activator",
                  ready("10.0.0.9"),
                  ready("10.0.0.5"),
                  ready("10.0.0.2")))
          .create();
      // another Service's slice in the namespace is not ours
      client
          .resource(slice("pilotlight-autoscaler-a", "pilotlight-autoscaler", ready("10.0.0.1")))
          .create();
      Await.until(
          "replica 1 of 3", DEADLINE, () -> gateway.replicas().equals(new Gateway.Replicas(1, 3)));

      client
          .resource(
              slice(
                  "pilotlight-activator-a",
                  "pilotlight-activator",
                  starting("10.0.0.9"),
                  ready("10.0.0.5"),
                  ready("10.0.0.2")))
          .update();
      Await.until(
          "replica 1 of 2", DEADLINE, () -> gateway.replicas().equals(new Gateway.Replicas(1, 2)));

      // this replica leaves the ready set (draining): it keeps its share
      client
          .resource(
              slice(
                  "pilotlight-activator-a",
                  "pilotlight-activator",
                  starting("10.0.0.5"),
                  ready("10.0.0.2"),
                  ready("10.0.0.7")))
          .update();
      client
          .resource(slice("pilotlight-activator-b", "pilotlight-activator", ready("10.0.0.8")))
          .create();
      Await.until(
          "both changes seen",
          DEADLINE,
          () ->
              client.discovery().v1().endpointSlices().inNamespace(NS).list().getItems().size()
                  == 3);
      assertThat(gateway.replicas()).isEqualTo(new Gateway.Replicas(1, 2));
    } finally {
      gateway.close();
    }
  }
}
