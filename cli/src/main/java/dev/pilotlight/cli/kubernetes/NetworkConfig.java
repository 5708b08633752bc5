package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.function.Function;

/**
 * Where the components find their own namespace and the domain of route hosts: {@code --domain},
 * else key {@code domain} of ConfigMap {@code config-network} in the components' namespace, else
 * {@code example.com} (Knative's default). The controller writes URLs with it and the activator
 * serves hosts with it, so both must resolve it alike.
 */
public final class NetworkConfig {
  private NetworkConfig() {}

  public static final String CONFIG_MAP = "config-network";
  public static final String DOMAIN_KEY = "domain";
  public static final String DEFAULT_DOMAIN = "example.com";

  /** The components' namespace when {@code POD_NAMESPACE} is not set. */
  public static final String DEFAULT_SYSTEM_NAMESPACE = "pilotlight-system";

  /** {@code $POD_NAMESPACE} (the downward API), else {@value #DEFAULT_SYSTEM_NAMESPACE}. */
  public static String systemNamespace(Function<String, String> env) {
    String ns = env.apply("POD_NAMESPACE");
    return ns == null || ns.isBlank() ? DEFAULT_SYSTEM_NAMESPACE : ns;
  }

  /**
   * @param flag {@code --domain}, or null when not given
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the ConfigMap cannot be
   *     read (a missing one is not an error)
   */
  public static String domain(String flag, KubernetesClient client, String systemNamespace) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    ConfigMap cm = client.configMaps().inNamespace(systemNamespace).withName(CONFIG_MAP).get();
    String domain = cm == null || cm.getData() == null ? null : cm.getData().get(DOMAIN_KEY);
    return domain == null || domain.isBlank() ? DEFAULT_DOMAIN : domain.trim();
  }
}
