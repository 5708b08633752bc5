package dev.pilotlight.activator.kubernetes;

import dev.pilotlight.activator.Gateway;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the gateway's replica index and count ({@link Gateway#replicas(Gateway.Replicas)}) from the
 * EndpointSlices of its own Service ({@code kubernetes.io/service-name}), so several replicas share
 * each instance's {@code containerConcurrency}; recomputed on every change of those slices ({@link
 * GatewayReplicaSet}).
 */
public final class GatewayReplicaWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayReplicaWatch.class);
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final SharedIndexInformer<EndpointSlice> slices;
  private final Gateway gateway;
  private final String selfIp;

  /**
   * @param namespace the gateway Service's namespace
   * @param service the gateway Service's name
   * @param selfIp this pod's IP ({@code status.podIP})
   */
  public GatewayReplicaWatch(
      KubernetesClient client, String namespace, String service, String selfIp, Gateway gateway) {
    this.gateway = gateway;
    this.selfIp = selfIp;
    this.slices =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel(SERVICE_NAME_LABEL, service)
            .runnableInformer(0);
    slices.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice s) {
            changed();
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice s) {
            changed();
          }

          @Override
          public void onDelete(EndpointSlice s, boolean finalStateUnknown) {
            changed();
          }
        });
  }

  public void start() {
    slices.start();
  }

  private synchronized void changed() {
    Optional<Gateway.Replicas> r = GatewayReplicaSet.of(slices.getStore().list(), selfIp);
    if (r.isPresent() && !r.get().equals(gateway.replicas())) {
      LOG.info(
          "replica {} of {}: each instance's containerConcurrency shared {} ways",
          r.get().index(),
          r.get().count(),
          r.get().count());
      gateway.replicas(r.get());
    }
  }

  @Override
  public void close() {
    slices.close();
  }
}
