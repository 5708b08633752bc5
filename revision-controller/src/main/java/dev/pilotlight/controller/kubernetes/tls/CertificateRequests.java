package dev.pilotlight.controller.kubernetes.tls;

import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY;
import static dev.pilotlight.api.kubernetes.KubernetesNames.MANAGED_BY_LABEL;
import static dev.pilotlight.api.kubernetes.KubernetesNames.ROUTE_LABEL;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knative's external-domain TLS through cert-manager: for every Route with hosts, a cert-manager
 * {@code Certificate} ({@code cert-manager.io/v1}) named {@code route-<uid>} as Knative names it,
 * for the Route's hosts (its URL's and its tags'), from the configured issuer, owned by the Route
 * (deleted with it). Its Secret carries the label the activator watches ({@code
 * networking.pilotlight.dev/certificate: "true"}, through cert-manager's {@code secretTemplate}),
 * so the gateway serves it for those hosts as soon as cert-manager has issued it, without a
 * restart. A Route annotated {@value #DISABLE_ANNOTATION}{@code : "true"} (or with Knative's older
 * {@value #LEGACY_DISABLE_ANNOTATION}) gets none, and a Certificate made for it before is deleted.
 *
 * <p>The decision ({@link #desired}) is a pure function of the Route and the issuer; this class's
 * shell watches Routes and creates, updates or deletes the Certificates.
 */
public final class CertificateRequests implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateRequests.class);

  public static final String DISABLE_ANNOTATION =
      "networking.knative.dev/disable-external-domain-tls";
  public static final String LEGACY_DISABLE_ANNOTATION = "networking.knative.dev/disableAutoTLS";

  /** The label the activator's {@code SecretCertificates} serves Secrets by. */
  public static final String SECRET_LABEL = "networking.pilotlight.dev/certificate";

  /** cert-manager's Certificate, addressed without API discovery. */
  public static final ResourceDefinitionContext CERTIFICATES =
      new ResourceDefinitionContext.Builder()
          .withGroup("cert-manager.io")
          .withVersion("v1")
          .withKind("Certificate")
          .withPlural("certificates")
          .withNamespaced(true)
          .build();

  /** Every Route is looked at again this often: a write that failed is tried again. */
  static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final ExternalDomainTls.Issuer issuer;
  private final SharedIndexInformer<RouteResource> routes;

  /**
   * @param namespace the namespace served, null for all
   */
  public CertificateRequests(
      KubernetesClient client, ExternalDomainTls.Issuer issuer, String namespace) {
    this.client = client;
    this.issuer = issuer;
    var op = client.resources(RouteResource.class);
    this.routes =
        (namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace))
            .runnableInformer(RESYNC.toMillis());
    routes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(RouteResource r) {
            reconcile(r);
          }

          @Override
          public void onUpdate(RouteResource before, RouteResource r) {
            reconcile(r);
          }

          @Override
          public void onDelete(RouteResource r, boolean finalStateUnknown) {
            // the Certificate is owned by the Route: the garbage collector deletes it
          }
        });
  }

  /** Starts watching Routes (call on the leader only: it writes). */
  public void start() {
    routes.start();
  }

  public boolean synced() {
    return routes.hasSynced();
  }

  /** The Certificate's name for {@code route}, as Knative names its route certificates. */
  public static String name(RouteResource route) {
    return "route-" + route.getMetadata().getUid();
  }

  /** The hosts of the Route: its URL's and its tags' URLs', in that order; empty before status. */
  static List<String> hosts(RouteResource route) {
    Set<String> hosts = new LinkedHashSet<>();
    RouteResource.Status status = route.getStatus();
    if (status == null) {
      return List.of();
    }
    addHost(hosts, status.url());
    if (status.traffic() != null) {
      for (TrafficStatus t : status.traffic()) {
        addHost(hosts, t.url());
      }
    }
    return List.copyOf(hosts);
  }

  private static void addHost(Set<String> hosts, String url) {
    if (url == null || url.isBlank()) {
      return;
    }
    try {
      String host = URI.create(url).getHost();
      if (host != null) {
        hosts.add(host);
      }
    } catch (IllegalArgumentException ignored) {
      // not a URL we wrote
    }
  }

  static boolean disabled(RouteResource route) {
    Map<String, String> a = route.getMetadata().getAnnotations();
    return a != null
        && ("true".equalsIgnoreCase(a.get(DISABLE_ANNOTATION))
            || "true".equalsIgnoreCase(a.get(LEGACY_DISABLE_ANNOTATION)));
  }

  /**
   * The Certificate {@code route} should have, or null for none (TLS disabled on the Route, or no
   * host yet).
   */
  public static GenericKubernetesResource desired(
      RouteResource route, ExternalDomainTls.Issuer issuer) {
    List<String> hosts = hosts(route);
    if (disabled(route) || hosts.isEmpty()) {
      return null;
    }
    String name = name(route);
    Map<String, Object> issuerRef = new LinkedHashMap<>();
    issuerRef.put("kind", issuer.kind());
    issuerRef.put("name", issuer.name());
    issuerRef.put("group", issuer.group());
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("secretName", name);
    spec.put("dnsNames", hosts);
    spec.put("issuerRef", issuerRef);
    spec.put(
        "secretTemplate",
        Map.of("labels", Map.of(SECRET_LABEL, "true", ROUTE_LABEL, route.getMetadata().getName())));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("cert-manager.io/v1")
        .withKind("Certificate")
        .withNewMetadata()
        .withName(name)
        .withNamespace(route.getMetadata().getNamespace())
        .addToLabels(ROUTE_LABEL, route.getMetadata().getName())
        .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
        .addToOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(route.getApiVersion())
                .withKind(route.getKind())
                .withName(route.getMetadata().getName())
                .withUid(route.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  private MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      certificates() {
    return client.genericKubernetesResources(CERTIFICATES);
  }

  /** Brings the Route's Certificate to what {@link #desired} says; failures are logged. */
  void reconcile(RouteResource route) {
    String ns = route.getMetadata().getNamespace();
    String name = name(route);
    try {
      Resource<GenericKubernetesResource> existing = certificates().inNamespace(ns).withName(name);
      GenericKubernetesResource have = existing.get();
      GenericKubernetesResource want = desired(route, issuer);
      if (want == null) {
        if (have != null && disabled(route)) {
          existing.delete();
          log.info(
              "TLS: Route {}/{}: external-domain TLS disabled, Certificate {} deleted",
              ns,
              route.getMetadata().getName(),
              name);
        }
        return;
      }
      if (have == null) {
        certificates().inNamespace(ns).resource(want).create();
        log.info(
            "TLS: Route {}/{}: Certificate {} requested from {} {} for {}",
            ns,
            route.getMetadata().getName(),
            name,
            issuer.kind(),
            issuer.name(),
            hosts(route));
      } else if (!Objects.equals(spec(have), spec(want))) {
        have.getAdditionalProperties().put("spec", spec(want));
        certificates().inNamespace(ns).resource(have).update();
        log.info(
            "TLS: Route {}/{}: Certificate {} updated for {}",
            ns,
            route.getMetadata().getName(),
            name,
            hosts(route));
      }
    } catch (KubernetesClientException e) {
      log.warn(
          "TLS: Route {}/{}: cannot write Certificate {}: {} (is cert-manager installed?)",
          ns,
          route.getMetadata().getName(),
          name,
          e.getMessage());
    }
  }

  private static Object spec(GenericKubernetesResource r) {
    return r.getAdditionalProperties().get("spec");
  }

  @Override
  public void close() {
    routes.close();
  }
}
