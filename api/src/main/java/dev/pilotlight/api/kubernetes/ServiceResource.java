package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/**
 * {@code serving.pilotlight.dev/v1} Service: a template plus traffic; owns a Configuration and a
 * Route.
 */
@Group(KubernetesNames.SERVING_GROUP)
@Version(KubernetesNames.SERVING_VERSION)
@Kind("Service")
@Plural("services")
@Singular("service")
public class ServiceResource extends CustomResource<ServiceSpec, ServiceResource.Status>
    implements Namespaced {

  /** Knative's Service status: conditions Ready, ConfigurationsReady, RoutesReady. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(
      Long observedGeneration,
      List<Condition> conditions,
      String url,
      String latestCreatedRevisionName,
      String latestReadyRevisionName,
      List<TrafficStatus> traffic) {}
}
