package dev.pilotlight.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
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
 * {@code autoscaling.pilotlight.dev/v1alpha1} PodAutoscaler, one per Revision, named like it. The
 * controller writes the spec (and {@code status.actualScale} from its Deployment, and {@code
 * status.conditions}: Knative's Active, ScaleTargetInitialized and Ready), the autoscaler writes
 * {@code status.desiredScale}, the controller applies it to the Deployment. Each writes its own
 * status fields by merge patch. Its annotations are the Revision's, so the autoscaling annotations
 * reach the autoscaler.
 */
@Group(KubernetesNames.AUTOSCALING_GROUP)
@Version(KubernetesNames.AUTOSCALING_VERSION)
@Kind("PodAutoscaler")
@Plural("podautoscalers")
@Singular("podautoscaler")
public class PodAutoscalerResource
    extends CustomResource<PodAutoscalerResource.Spec, PodAutoscalerResource.Status>
    implements Namespaced {

  /**
   * @param scaleTargetRef the Deployment scaled
   * @param reachability {@code Reachable} when a Route sends traffic to the revision, {@code
   *     Unreachable} when none does (it may then go to zero whatever its min-scale)
   * @param protocolType {@code http1} or {@code h2c}
   * @param containerConcurrency the revision's hard limit, 0 = none
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Spec(
      ScaleTargetRef scaleTargetRef,
      String reachability,
      String protocolType,
      Long containerConcurrency) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScaleTargetRef(String apiVersion, String kind, String name) {}

  /**
   * @param desiredScale standard instances the autoscaler wants (written by the autoscaler)
   * @param actualScale standard instances ready (written by the controller)
   * @param conditions Knative's PodAutoscaler conditions (written by the controller)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(
      Long observedGeneration,
      List<Condition> conditions,
      Integer desiredScale,
      Integer actualScale) {}

  public static final String REACHABLE = "Reachable";
  public static final String UNREACHABLE = "Unreachable";
}
