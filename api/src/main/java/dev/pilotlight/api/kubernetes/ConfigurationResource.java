package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.model.ConfigurationSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;

/** {@code serving.pilotlight.dev/v1} Configuration: stamps a Revision for every template change. */
@Group(KubernetesNames.SERVING_GROUP)
@Version(KubernetesNames.SERVING_VERSION)
@Kind("Configuration")
@Plural("configurations")
@Singular("configuration")
public class ConfigurationResource
    extends CustomResource<ConfigurationSpec, ConfigurationResource.Status> implements Namespaced {

  /** Knative's Configuration status: condition Ready. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(
      Long observedGeneration,
      List<Condition> conditions,
      String latestCreatedRevisionName,
      String latestReadyRevisionName) {}
}
