package dev.pilotlight.activator.feed;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.model.RevisionSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builders of the Kubernetes objects the activator reads, as the controller and kube write them
 * (shared with the tests of the kubernetes package).
 */
public final class K8sFixtures {
  private K8sFixtures() {}

  public static RevisionResource revision(String namespace, String name, RevisionSpec spec) {
    RevisionResource r = new RevisionResource();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withLabels(Map.of(KubernetesNames.CONFIGURATION_LABEL, name.replaceAll("-\\d+$", "")))
            .build());
    r.setSpec(spec);
    return r;
  }

  /** A revision with an HTTP readiness probe on {@code /healthz}, concurrency 10, timeout 60 s. */
  public static RevisionResource revision(String namespace, String name) {
    return revision(namespace, name, spec(10L, 60L));
  }

  public static RevisionSpec spec(Long containerConcurrency, Long timeoutSeconds) {
    Container c =
        new ContainerBuilder()
            .withImage("ghcr.io/example/hello")
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/healthz")
            .endHttpGet()
            .endReadinessProbe()
            .build();
    return new RevisionSpec(List.of(c), containerConcurrency, timeoutSeconds, 30L, null);
  }

  /**
   * A slice of Service {@code service} for revision {@code revision}, labelled as Kubernetes labels
   * a slice (its Service's name) plus the revision label copied from the Service.
   */
  public static EndpointSlice slice(
      String namespace,
      String name,
      String revision,
      String service,
      String portName,
      Integer port,
      Endpoint... endpoints) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withMetadata(
                new ObjectMetaBuilder()
                    .withNamespace(namespace)
                    .withName(name)
                    .withLabels(
                        Map.of(
                            KubernetesNames.ENDPOINT_SLICE_SERVICE_LABEL, service,
                            KubernetesNames.REVISION_LABEL, revision))
                    .build())
            .withAddressType("IPv4")
            .withEndpoints(Arrays.asList(endpoints));
    if (port != null) {
      b.addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort();
    }
    return b.build();
  }

  /** An endpoint with conditions ready and terminating (null: unset). */
  public static Endpoint endpoint(String address, Boolean ready, Boolean terminating) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .withServing(ready)
        .withTerminating(terminating)
        .endConditions()
        .build();
  }

  public static Endpoint ready(String address) {
    return endpoint(address, true, false);
  }

  public static Endpoint starting(String address) {
    return endpoint(address, false, false);
  }

  public static RouteResource route(String namespace, String name, TrafficStatus... traffic) {
    RouteResource r = new RouteResource();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    r.setStatus(
        traffic.length == 0
            ? null
            : new RouteResource.Status(1L, List.of(), null, Arrays.asList(traffic)));
    return r;
  }

  public static TrafficStatus traffic(String revision, long percent, String tag) {
    return new TrafficStatus(revision, null, false, percent, tag, null);
  }
}
