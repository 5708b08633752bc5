package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
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
    return domain(null, data(client, systemNamespace));
  }

  /** {@code flag}, else key {@value #DOMAIN_KEY} of {@code data}, else the default. */
  public static String domain(String flag, Map<String, String> data) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String domain = data.get(DOMAIN_KEY);
    return domain == null || domain.isBlank() ? DEFAULT_DOMAIN : domain.trim();
  }

  /**
   * The data of ConfigMap {@value #CONFIG_MAP} in {@code systemNamespace}; empty when it does not
   * exist. Besides the domain it holds the gateway's client limits ({@link
   * dev.pilotlight.cli.ClientLimitsOptions}).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when it cannot be read
   */
  public static Map<String, String> data(KubernetesClient client, String systemNamespace) {
    ConfigMap cm = client.configMaps().inNamespace(systemNamespace).withName(CONFIG_MAP).get();
    return cm == null || cm.getData() == null ? Map.of() : Map.copyOf(cm.getData());
  }
}
