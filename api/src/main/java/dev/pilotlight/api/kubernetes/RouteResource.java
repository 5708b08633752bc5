package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.model.RouteSpec;
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
 * {@code serving.pilotlight.dev/v1} Route: a traffic split. Its {@code status.traffic} holds the
 * resolved targets (concrete revision names) the activator routes by; {@code status.url} the host.
 */
@Group(KubernetesNames.SERVING_GROUP)
@Version(KubernetesNames.SERVING_VERSION)
@Kind("Route")
@Plural("routes")
@Singular("route")
public class RouteResource extends CustomResource<RouteSpec, RouteResource.Status>
    implements Namespaced {

  /** Knative's Route status: conditions Ready, AllTrafficAssigned. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(
      Long observedGeneration,
      List<Condition> conditions,
      String url,
      List<TrafficStatus> traffic) {}
}
