package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.model.RevisionSpec;
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
 * {@code serving.pilotlight.dev/v1} Revision: an immutable snapshot of a Configuration's template
 * ({@code spec} is the template's spec; annotations and labels are the template's plus {@link
 * KubernetesNames#CONFIGURATION_LABEL}, {@link KubernetesNames#SERVICE_LABEL} and {@link
 * KubernetesNames#CONFIGURATION_GENERATION_LABEL}). Owns a Deployment, a headless Service and a
 * PodAutoscaler.
 */
@Group(KubernetesNames.SERVING_GROUP)
@Version(KubernetesNames.SERVING_VERSION)
@Kind("Revision")
@Plural("revisions")
@Singular("revision")
public class RevisionResource extends CustomResource<RevisionSpec, RevisionResource.Status>
    implements Namespaced {

  /**
   * Knative's Revision status (conditions Ready, ResourcesAvailable, ContainerHealthy, Active) plus
   * the pilot light's state.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(
      Long observedGeneration,
      List<Condition> conditions,
      Integer actualReplicas,
      Integer desiredReplicas,
      Reserve reserve) {}

  /** The pilot light: enabled by annotation, ready when its pod is. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Reserve(boolean enabled, boolean ready) {}
}
