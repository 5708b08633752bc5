package dev.pilotlight.controller.kubernetes.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Map;

/**
 * Whether Routes get certificates from cert-manager, as Knative decides it: key {@value #KEY} of
 * {@code config-network} ({@code Enabled} or {@code Disabled}, the default; Knative's older name
 * {@value #LEGACY_KEY} is read too), and the issuer from key {@value #ISSUER_KEY} of {@code
 * config-certmanager} (a YAML object: {@code kind} {@code ClusterIssuer} or {@code Issuer}, {@code
 * name}, optional {@code group}). Enabled without an issuer is refused.
 *
 * @param issuer null when disabled
 */
public record ExternalDomainTls(Issuer issuer) {
  public static final String KEY = "external-domain-tls";
  public static final String LEGACY_KEY = "auto-tls";
  public static final String CERTMANAGER_CONFIG_MAP = "config-certmanager";
  public static final String ISSUER_KEY = "issuerRef";

  public static final ExternalDomainTls DISABLED = new ExternalDomainTls(null);

  /** cert-manager's {@code issuerRef}. */
  public record Issuer(String kind, String name, String group) {}

  public boolean enabled() {
    return issuer != null;
  }

  /**
   * @param network the data of {@code config-network}
   * @param certmanager the data of {@code config-certmanager} (empty when it does not exist)
   * @throws IllegalArgumentException naming the ConfigMap, the key and the rule
   */
  public static ExternalDomainTls of(Map<String, String> network, Map<String, String> certmanager) {
    String key = network.containsKey(KEY) ? KEY : LEGACY_KEY;
    String value = network.getOrDefault(key, "Disabled").trim();
    if (value.equalsIgnoreCase("Disabled")) {
      return DISABLED;
    }
    if (!value.equalsIgnoreCase("Enabled")) {
      throw new IllegalArgumentException(
          "config-network: " + key + ": \"" + value + "\" must be Enabled or Disabled");
    }
    String ref = certmanager.get(ISSUER_KEY);
    if (ref == null || ref.isBlank()) {
      throw new IllegalArgumentException(
          "config-network: "
              + key
              + " is Enabled, but "
              + CERTMANAGER_CONFIG_MAP
              + " has no "
              + ISSUER_KEY
              + " (e.g. kind: ClusterIssuer, name: letsencrypt-issuer)");
    }
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(ref);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          CERTMANAGER_CONFIG_MAP + ": " + ISSUER_KEY + ": not YAML: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          CERTMANAGER_CONFIG_MAP + ": " + ISSUER_KEY + ": must be an object with kind and name");
    }
    String kind = node.path("kind").asText("");
    String name = node.path("name").asText("");
    String group = node.path("group").asText("cert-manager.io");
    if (!kind.equals("ClusterIssuer") && !kind.equals("Issuer")) {
      throw new IllegalArgumentException(
          CERTMANAGER_CONFIG_MAP
              + ": "
              + ISSUER_KEY
              + ".kind: \""
              + kind
              + "\" must be ClusterIssuer or Issuer");
    }
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          CERTMANAGER_CONFIG_MAP + ": " + ISSUER_KEY + ".name: required");
    }
    return new ExternalDomainTls(new Issuer(kind, name, group));
  }
}
