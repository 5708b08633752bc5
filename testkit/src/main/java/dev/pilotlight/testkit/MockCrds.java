package dev.pilotlight.testkit;

import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourcesBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prepares a fabric8 CRUD mock API server for Pilotlight's custom resources: registers a CRD with
 * the status subresource for each (built from the Java types, not from {@code crds/}), so that, as
 * on a real server, a write of the main resource leaves the status alone and status writes go to
 * {@code /status}. Also quiets the mock server's per-request log.
 */
public final class MockCrds {
  private static final List<Class<? extends CustomResource<?, ?>>> TYPES =
      List.of(
          ServiceResource.class,
          ConfigurationResource.class,
          RevisionResource.class,
          RouteResource.class,
          PodAutoscalerResource.class);

  // held, so the level set survives garbage collection of the logger
  private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private MockCrds() {}

  public static void register(KubernetesClient client) {
    MOCK_LOG.setLevel(Level.WARNING);
    for (Class<? extends CustomResource<?, ?>> type : TYPES) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      CustomResourceDefinition crd =
          CustomResourceDefinitionContext.v1CRDFromCustomResourceType((Class) type).build();
      crd.getSpec()
          .getVersions()
          .forEach(
              v ->
                  v.setSubresources(
                      new CustomResourceSubresourcesBuilder().withNewStatus().endStatus().build()));
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }
}
