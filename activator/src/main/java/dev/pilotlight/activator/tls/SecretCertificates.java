package dev.pilotlight.activator.tls;

import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from {@code kubernetes.io/tls} Secrets ({@code tls.crt}, {@code tls.key}), watched
 * with informers and put in a {@link CertificateStore} on every change:
 *
 * <ul>
 *   <li>the gateway's own certificate, Secret {@code defaultSecret} in the components' namespace
 *       (typically a wildcard for the domain of {@code config-network}, or several namespaces'
 *       wildcards): served for every host it names, and as the default (no SNI, unknown host);
 *   <li>per-host certificates: Secrets labelled {@value #LABEL}{@code =true} in any watched
 *       namespace. A namespace's Secret is used only for the hosts of that namespace's routes
 *       ({@code <route>.<namespace>.<domain>}, or {@code *.<namespace>.<domain>}); the names it has
 *       beyond them are ignored, so a tenant cannot take another's host.
 * </ul>
 *
 * A Secret that does not parse, whose key does not match, that has expired or names none of its
 * hosts is logged with its namespace and name, and the certificate it had before stays in use; a
 * deleted Secret's certificate is removed.
 */
public final class SecretCertificates implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SecretCertificates.class);
  public static final String LABEL = "networking.pilotlight.dev/certificate";
  static final String TLS_TYPE = "kubernetes.io/tls";

  private final CertificateStore store;
  private final String systemNamespace;
  private final String defaultSecret;
  private final String domain;
  private final SharedIndexInformer<Secret> own;
  private final SharedIndexInformer<Secret> perHost;

  /**
   * @param namespace the namespace whose labelled Secrets are watched, null for all
   */
  public SecretCertificates(
      KubernetesClient client,
      CertificateStore store,
      String systemNamespace,
      String defaultSecret,
      String namespace,
      String domain) {
    this.store = store;
    this.systemNamespace = systemNamespace;
    this.defaultSecret = defaultSecret;
    this.domain = CertifiedKey.normalize(domain);
    this.own = client.secrets().inNamespace(systemNamespace).runnableInformer(0);
    own.addEventHandler(handler(true));
    var secrets = client.secrets();
    this.perHost =
        (namespace == null
                ? secrets.inAnyNamespace().withLabel(LABEL, "true")
                : secrets.inNamespace(namespace).withLabel(LABEL, "true"))
            .runnableInformer(0);
    perHost.addEventHandler(handler(false));
  }

  public void start() {
    own.start();
    perHost.start();
  }

  /** Whether both informers have listed their Secrets once. */
  public boolean synced() {
    return own.hasSynced() && perHost.hasSynced();
  }

  private ResourceEventHandler<Secret> handler(boolean ownNamespace) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(Secret s) {
        changed(s, ownNamespace);
      }

      @Override
      public void onUpdate(Secret before, Secret s) {
        changed(s, ownNamespace);
      }

      @Override
      public void onDelete(Secret s, boolean finalStateUnknown) {
        if (!ownNamespace || isDefault(s)) {
          store.remove(source(s, ownNamespace));
          log.info("TLS: Secret {} deleted: its certificate is no longer served", name(s));
        }
      }
    };
  }

  private boolean isDefault(Secret s) {
    return s.getMetadata().getName().equals(defaultSecret);
  }

  private static String name(Secret s) {
    return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
  }

  private static String source(Secret s, boolean ownNamespace) {
    return (ownNamespace ? "default Secret " : "Secret ") + name(s);
  }

  private void changed(Secret s, boolean ownNamespace) {
    if (ownNamespace && !isDefault(s)) {
      return; // another Secret of the components' namespace
    }
    String source = source(s, ownNamespace);
    try {
      if (!TLS_TYPE.equals(s.getType())) {
        throw new InvalidCertificateException("type " + s.getType() + ", expected " + TLS_TYPE);
      }
      Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
      String crt = decode(data.get("tls.crt"), "tls.crt");
      String key = decode(data.get("tls.key"), "tls.key");
      CertifiedKey k = CertifiedKey.fromPem(source, crt, key, Instant.now());
      if (!ownNamespace) {
        k = restricted(k, s.getMetadata().getNamespace());
      }
      store.put(k);
      if (ownNamespace) {
        store.defaultSource(source);
      }
      log.info(
          "TLS: Secret {}: serving its certificate for {} (valid until {}){}",
          name(s),
          k.names(),
          k.notAfter(),
          ownNamespace ? ", the default" : "");
    } catch (InvalidCertificateException e) {
      boolean had = store.certificates().containsKey(source);
      log.warn(
          "TLS: Secret {} refused: {}; {}",
          name(s),
          e.getMessage(),
          had ? "the previous certificate stays in use" : "not served");
    }
  }

  /** Only the names of the namespace's route hosts. */
  CertifiedKey restricted(CertifiedKey k, String namespace) throws InvalidCertificateException {
    String suffix = "." + CertifiedKey.normalize(namespace) + "." + domain;
    List<String> allowed =
        k.names().stream()
            .filter(n -> n.endsWith(suffix) && n.indexOf('.') == n.length() - suffix.length())
            .toList();
    if (allowed.isEmpty()) {
      throw new InvalidCertificateException(
          "it names none of namespace " + namespace + "'s hosts (*" + suffix + ")");
    }
    return new CertifiedKey(k.source(), k.chain(), k.key(), allowed);
  }

  private static String decode(String base64, String key) throws InvalidCertificateException {
    if (base64 == null || base64.isBlank()) {
      throw new InvalidCertificateException("no " + key);
    }
    try {
      return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new InvalidCertificateException(key + " is not base64: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    own.close();
    perHost.close();
  }
}
