package dev.pilotlight.controller.kubernetes.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Knative's external-domain TLS settings and the Certificate a Route gets. */
class CertificateRequestsTest {
  static final String ISSUER = "kind: ClusterIssuer\nname: letsencrypt-issuer\n";

  static RouteResource route(Map<String, String> annotations, String url, String... tagUrls) {
    RouteResource r = new RouteResource();
    r.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("shop")
            .withName("cart")
            .withUid("1234-abcd")
            .withAnnotations(annotations)
            .build());
    List<TrafficStatus> traffic =
        java.util.Arrays.stream(tagUrls)
            .map(u -> new TrafficStatus("cart-00001", null, false, 0L, "t", u))
            .toList();
    r.setStatus(new RouteResource.Status(1L, List.of(), url, traffic));
    return r;
  }

  @Test
  void settingsAsKnativeHasThem() {
    assertThat(ExternalDomainTls.of(Map.of(), Map.of()).enabled()).isFalse();
    assertThat(ExternalDomainTls.of(Map.of("external-domain-tls", "Disabled"), Map.of()).enabled())
        .isFalse();
    ExternalDomainTls on =
        ExternalDomainTls.of(Map.of("external-domain-tls", "Enabled"), Map.of("issuerRef", ISSUER));
    assertThat(on.issuer())
        .isEqualTo(
            new ExternalDomainTls.Issuer("ClusterIssuer", "letsencrypt-issuer", "cert-manager.io"));
    // Knative's older key
    assertThat(
            ExternalDomainTls.of(Map.of("auto-tls", "Enabled"), Map.of("issuerRef", ISSUER))
                .enabled())
        .isTrue();
  }

  @Test
  void badSettingsAreRefusedNamingTheKeyAndTheRule() {
    assertThatThrownBy(() -> ExternalDomainTls.of(Map.of("external-domain-tls", "yes"), Map.of()))
        .hasMessage("config-network: external-domain-tls: \"yes\" must be Enabled or Disabled");
    assertThatThrownBy(
            () -> ExternalDomainTls.of(Map.of("external-domain-tls", "Enabled"), Map.of()))
        .hasMessageContaining("config-certmanager has no issuerRef");
    assertThatThrownBy(
            () ->
                ExternalDomainTls.of(
                    Map.of("external-domain-tls", "Enabled"),
                    Map.of("issuerRef", "kind: Issuers\nname: x")))
        .hasMessage(
            "config-certmanager: issuerRef.kind: \"Issuers\" must be ClusterIssuer or Issuer");
    assertThatThrownBy(
            () ->
                ExternalDomainTls.of(
                    Map.of("external-domain-tls", "Enabled"), Map.of("issuerRef", "kind: Issuer")))
        .hasMessage("config-certmanager: issuerRef.name: required");
  }

  @Test
  void aRouteGetsOneCertificateForItsHostAndItsTagsHostsWhoseSecretTheActivatorServes() {
    ExternalDomainTls.Issuer issuer =
        new ExternalDomainTls.Issuer("ClusterIssuer", "le", "cert-manager.io");
    GenericKubernetesResource c =
        CertificateRequests.desired(
            route(
                Map.of(),
                "http://cart.shop.example.com",
                "http://v1-cart.shop.example.com",
                "http://cart.shop.example.com"),
            issuer);
    assertThat(c.getMetadata().getName()).isEqualTo("route-1234-abcd");
    assertThat(c.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(c.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("1234-abcd");
              assertThat(o.getController()).isTrue();
            });
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) c.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("secretName", "route-1234-abcd")
        .containsEntry("dnsNames", List.of("cart.shop.example.com", "v1-cart.shop.example.com"))
        .containsEntry(
            "issuerRef", Map.of("kind", "ClusterIssuer", "name", "le", "group", "cert-manager.io"));
    assertThat(spec.get("secretTemplate").toString())
        .contains("networking.pilotlight.dev/certificate=true");
  }

  @Test
  void noneForARouteThatTurnedItOffOrHasNoHostYet() {
    ExternalDomainTls.Issuer issuer =
        new ExternalDomainTls.Issuer("ClusterIssuer", "le", "cert-manager.io");
    assertThat(
            CertificateRequests.desired(
                route(
                    Map.of("networking.knative.dev/disable-external-domain-tls", "true"),
                    "http://cart.shop.example.com"),
                issuer))
        .isNull();
    assertThat(
            CertificateRequests.desired(
                route(
                    Map.of("networking.knative.dev/disableAutoTLS", "true"),
                    "http://cart.shop.example.com"),
                issuer))
        .isNull();
    assertThat(CertificateRequests.desired(route(Map.of(), null), issuer)).isNull();
  }
}
