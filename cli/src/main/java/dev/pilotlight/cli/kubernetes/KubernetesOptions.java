package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every Kubernetes component takes: where the API server is (in-cluster config unless
 * {@code --kubeconfig}) and which namespace to serve (all unless {@code --namespace}).
 */
public final class KubernetesOptions {

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: in-cluster config, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      description = "Serve only this namespace (default: all namespaces).")
  String namespace;

  /** The namespace to serve, or null for all. */
  public String namespace() {
    return namespace;
  }

  /** A client for the configured API server; the caller closes it. */
  public KubernetesClient client() throws IOException {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new IOException("--kubeconfig " + kubeconfig + ": not a readable file");
    }
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
