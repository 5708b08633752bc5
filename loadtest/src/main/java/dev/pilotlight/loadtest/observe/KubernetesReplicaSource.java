package dev.pilotlight.loadtest.observe;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Reads the Deployments of a revision, configuration or service from the Kubernetes API, found by
 * Knative's labels ({@code serving.knative.dev/service}, {@code .../configuration}, {@code
 * .../revision}), so it observes Knative Serving as well as Pilotlight. Desired is a Deployment's
 * {@code spec.replicas}, ready its {@code status.readyReplicas}; Deployments labelled {@code
 * pilotlight.dev/instance-class: reserve} are the pilot light and count as reserve.
 */
public final class KubernetesReplicaSource implements ReplicaSource {
  static final List<String> LABELS =
      List.of(
          "serving.knative.dev/service",
          "serving.knative.dev/configuration",
          "serving.knative.dev/revision");
  static final String INSTANCE_CLASS = "pilotlight.dev/instance-class";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final boolean ownsClient;

  /**
   * @param observe {@code name} in the client's namespace, or {@code namespace/name}
   * @param ownsClient close the client with this source
   */
  public KubernetesReplicaSource(KubernetesClient client, String observe, boolean ownsClient) {
    this.client = client;
    int slash = observe.indexOf('/');
    this.namespace = slash < 0 ? client.getNamespace() : observe.substring(0, slash);
    this.name = slash < 0 ? observe : observe.substring(slash + 1);
    this.ownsClient = ownsClient;
    if (namespace == null) {
      throw new IllegalArgumentException(
          "--observe: \"" + observe + "\" names no namespace and the kubeconfig has none");
    }
  }

  @Override
  public Replicas read() throws IOException {
    try {
      for (String label : LABELS) {
        List<Deployment> found =
            client
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(label, name)
                .list()
                .getItems();
        if (!found.isEmpty()) {
          return count(found);
        }
      }
    } catch (KubernetesClientException e) {
      throw new IOException("Kubernetes API: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "--observe: no Deployment in namespace "
            + namespace
            + " is labelled with service, configuration or revision \""
            + name
            + "\"");
  }

  /** Sums Deployments into counts; pure. */
  static Replicas count(List<Deployment> deployments) {
    int desired = 0;
    int ready = 0;
    int reserve = 0;
    for (Deployment d : deployments) {
      Map<String, String> labels = d.getMetadata().getLabels();
      int want =
          d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      int up =
          d.getStatus() == null || d.getStatus().getReadyReplicas() == null
              ? 0
              : d.getStatus().getReadyReplicas();
      if ("reserve".equals(labels == null ? null : labels.get(INSTANCE_CLASS))) {
        reserve += up;
      } else {
        desired += want;
        ready += up;
      }
    }
    return new Replicas(desired, ready, reserve);
  }

  @Override
  public String describe() {
    return "Kubernetes " + client.getMasterUrl() + ", " + namespace + "/" + name;
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
