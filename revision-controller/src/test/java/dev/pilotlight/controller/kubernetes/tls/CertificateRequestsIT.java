package dev.pilotlight.controller.kubernetes.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.testkit.Await;
import dev.pilotlight.testkit.MockCrds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the API server (fabric8's mock in CRUD mode): a Route with hosts gets its cert-manager
 * Certificate, it follows the Route's hosts, and it is deleted when the Route turns TLS off.
 */
@EnableKubernetesMockClient(crud = true)
class CertificateRequestsIT {
  static final Duration DEADLINE = Duration.ofSeconds(20);
  static KubernetesClient client;

  @BeforeAll
  static void crds() {
    MockCrds.register(client);
  }

  GenericKubernetesResource certificate(String name) {
    return client
        .genericKubernetesResources(CertificateRequests.CERTIFICATES)
        .inNamespace("shop")
        .withName(name)
        .get();
  }

  @SuppressWarnings("unchecked")
  static List<String> dnsNames(GenericKubernetesResource c) {
    return (List<String>)
        ((Map<String, Object>) c.getAdditionalProperties().get("spec")).get("dnsNames");
  }

  @Test
  void aRoutesCertificateIsRequestedFollowsItsHostsAndGoesWhenTurnedOff() throws Exception {
    RouteResource r = CertificateRequestsTest.route(Map.of(), "http://cart.shop.example.com");
    r.getMetadata().setUid(null);
    RouteResource created = client.resource(r).create();
    created.setStatus(r.getStatus());
    created = client.resource(created).updateStatus();
    String name = CertificateRequests.name(created);
    try (CertificateRequests requests =
        new CertificateRequests(
            client, new ExternalDomainTls.Issuer("ClusterIssuer", "le", "cert-manager.io"), null)) {
      requests.start();
      Await.until("the Certificate requested", DEADLINE, () -> certificate(name) != null);
      assertThat(dnsNames(certificate(name))).containsExactly("cart.shop.example.com");

      // a tag adds a host
      RouteResource tagged =
          CertificateRequestsTest.route(
              Map.of(), "http://cart.shop.example.com", "http://v2-cart.shop.example.com");
      RouteResource now = client.resource(created).get();
      now.setStatus(tagged.getStatus());
      client.resource(now).updateStatus();
      Await.until(
          "the tag's host added",
          DEADLINE,
          () -> dnsNames(certificate(name)).contains("v2-cart.shop.example.com"));

      // turned off on the Route: deleted
      now = client.resource(created).get();
      now.getMetadata().setAnnotations(Map.of(CertificateRequests.DISABLE_ANNOTATION, "true"));
      client.resource(now).update();
      Await.until("the Certificate deleted", DEADLINE, () -> certificate(name) == null);
    }
  }
}
