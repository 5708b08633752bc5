package dev.pilotlight.activator.kubernetes;

import static dev.pilotlight.activator.feed.K8sFixtures.ready;
import static dev.pilotlight.activator.feed.K8sFixtures.starting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.feed.K8sFixtures;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayReplicaSetTest {
  static EndpointSlice slice(
      String name, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... e) {
    return K8sFixtures.slice(
        "pilotlight-system", name, "unused", "pilotlight-activator", "http", 8080, e);
  }

  @Test
  void indexAmongTheReadyAddressesOfAllSlicesSorted() {
    List<EndpointSlice> slices =
        List.of(
            slice("a-1", ready("10.0.0.9"), ready("10.0.0.3")),
            slice("a-2", ready("10.0.0.5"), starting("10.0.0.1")));
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.3")).contains(new Gateway.Replicas(0, 3));
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.5")).contains(new Gateway.Replicas(1, 3));
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.9")).contains(new Gateway.Replicas(2, 3));
  }

  @Test
  void notAmongTheReadyOnes_startingOrDraining_isEmpty() {
    List<EndpointSlice> slices = List.of(slice("a-1", ready("10.0.0.3"), starting("10.0.0.1")));
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.1")).isEmpty();
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.7")).isEmpty();
    assertThat(GatewayReplicaSet.of(slices, null)).isEmpty();
    assertThat(GatewayReplicaSet.of(List.of(), "10.0.0.3")).isEmpty();
  }

  @Test
  void anAddressInTwoSlicesCountsOnce_unsetReadyIsReady() {
    List<EndpointSlice> slices =
        List.of(
            slice("a-1", ready("10.0.0.3")),
            slice("a-2", ready("10.0.0.3"), K8sFixtures.endpoint("10.0.0.4", null, null)));
    assertThat(GatewayReplicaSet.of(slices, "10.0.0.4")).contains(new Gateway.Replicas(1, 2));
  }
}
