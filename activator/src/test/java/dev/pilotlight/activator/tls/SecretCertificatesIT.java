package dev.pilotlight.activator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Certificates from {@code kubernetes.io/tls} Secrets: the gateway's own (the default), per-host
 * ones limited to their namespace's hosts, reloaded on change, a bad one refused with the previous
 * kept, a deleted one removed.
 */
@EnableKubernetesMockClient(crud = true)
class SecretCertificatesIT {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static final String SYSTEM = "pilotlight-system";
  static final DevCertificateAuthority CA = DevCertificateAuthority.create("test CA");
  KubernetesClient client;

  static Secret tls(String ns, String name, boolean labelled, CertifiedKey k) {
    return tls(
        ns,
        name,
        labelled,
        DevCertificateAuthority.pem(k.chain().toArray()),
        DevCertificateAuthority.pem(k.key()));
  }

  static Secret tls(String ns, String name, boolean labelled, String crt, String key) {
    Base64.Encoder b64 = Base64.getEncoder();
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labelled ? Map.of(SecretCertificates.LABEL, "true") : Map.of())
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(
            Map.of(
                "tls.crt", b64.encodeToString(crt.getBytes(StandardCharsets.US_ASCII)),
                "tls.key", b64.encodeToString(key.getBytes(StandardCharsets.US_ASCII))))
        .build();
  }

  @Test
  void secretsAreServedByHostReloadedAndABadOneKeepsThePrevious() {
    CertificateStore store = new CertificateStore(TlsProvider.detect());
    CertifiedKey wildcard = CA.issue(List.of("*.default.example.com", "*.shop.example.com"));
    client.resource(tls(SYSTEM, "pilotlight-tls", false, wildcard)).create();
    // another Secret of the system namespace is not the gateway's
    client.resource(tls(SYSTEM, "other", false, CA.issue(List.of("other.test")))).create();
    try (SecretCertificates secrets =
        new SecretCertificates(client, store, SYSTEM, "pilotlight-tls", null, "example.com")) {
      secrets.start();
      Await.until(
          "the default Secret served",
          DEADLINE,
          () -> names("x.default.example.com", store).contains("*.default.example.com"));
      assertThat(store.certificateFor(null).names()).contains("*.default.example.com");
      assertThat(store.certificates()).hasSize(1);

      // a tenant's per-host Secret: only its namespace's hosts are taken from it
      CertifiedKey shop =
          CA.issue(List.of("cart.shop.example.com", "hello.default.example.com", "*.example.com"));
      client.resource(tls("shop", "cart-tls", true, shop)).create();
      Await.until(
          "the per-host Secret served",
          DEADLINE,
          () -> names("cart.shop.example.com", store).equals(List.of("cart.shop.example.com")));
      assertThat(names("hello.default.example.com", store)).contains("*.default.example.com");

      // renewed: served at once
      CertifiedKey renewed = CA.issue(List.of("cart.shop.example.com"));
      client.resource(tls("shop", "cart-tls", true, renewed)).update();
      Await.until(
          "the renewed certificate served",
          DEADLINE,
          () ->
              store
                  .certificateFor("cart.shop.example.com")
                  .leaf()
                  .getSerialNumber()
                  .equals(renewed.leaf().getSerialNumber()));

      // broken, then expired: refused, the renewed one stays
      client.resource(tls("shop", "cart-tls", true, "garbage", "garbage")).update();
      Instant now = Instant.now();
      client
          .resource(
              tls(
                  "shop",
                  "cart-tls",
                  true,
                  CA.issue(
                      List.of("cart.shop.example.com"),
                      now.minus(Duration.ofDays(9)),
                      now.minus(Duration.ofDays(1)))))
          .update();
      // a marker after the bad updates: once it is served, they were seen (and refused)
      CertifiedKey marker = CA.issue(List.of("marker.shop.example.com"));
      client.resource(tls("shop", "marker", true, marker)).create();
      Await.until(
          "the marker served",
          DEADLINE,
          () -> names("marker.shop.example.com", store).equals(List.of("marker.shop.example.com")));
      assertThat(store.certificateFor("cart.shop.example.com").leaf().getSerialNumber())
          .isEqualTo(renewed.leaf().getSerialNumber());

      // a Secret naming none of its namespace's hosts is not served at all
      client
          .resource(tls("evil", "steal", true, CA.issue(List.of("cart.shop.example.com"))))
          .create();
      client
          .resource(tls("shop", "marker2", true, CA.issue(List.of("m2.shop.example.com"))))
          .create();
      Await.until(
          "the second marker served",
          DEADLINE,
          () -> names("m2.shop.example.com", store).equals(List.of("m2.shop.example.com")));
      assertThat(store.certificates()).doesNotContainKey("Secret evil/steal");

      // deleted: no longer served, the default takes over
      client.resource(tls("shop", "cart-tls", true, renewed)).delete();
      Await.until(
          "the deleted Secret's certificate gone",
          DEADLINE,
          () -> names("cart.shop.example.com", store).contains("*.default.example.com"));
    }
  }

  private static List<String> names(String host, CertificateStore store) {
    return store.certificateFor(host).names();
  }
}
