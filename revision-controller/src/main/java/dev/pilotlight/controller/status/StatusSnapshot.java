package dev.pilotlight.controller.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.traffic.ResolvedTarget;
import java.util.List;
import java.util.function.ToIntFunction;

/** The whole observable state of local mode, as served by the admin endpoint's {@code /status}. */
public record StatusSnapshot(List<ServiceStatus> services, List<RevisionStatus> revisions) {

  public static final StatusSnapshot EMPTY = new StatusSnapshot(List.of(), List.of());

  /**
   * A Service (or a bare Route) and its resolved traffic.
   *
   * @param kind "Service" or "Route"
   * @param reason short reason when not ready, else null
   * @param message what the user can do about it, else null
   * @param conditions Knative's conditions of the Service (Ready, ConfigurationsReady, RoutesReady)
   *     or the bare Route (Ready, AllTrafficAssigned, ...), as its reconciler wrote them; null when
   *     unknown
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceStatus(
      String name,
      String namespace,
      String kind,
      String url,
      boolean ready,
      String reason,
      String message,
      String latestCreatedRevisionName,
      String latestReadyRevisionName,
      List<ResolvedTarget> traffic,
      List<KnativeCondition> conditions) {}

  /**
   * One of Knative's conditions of a Service, Route or Revision, as its reconciler wrote it.
   *
   * @param status True, False or Unknown
   * @param reason CamelCase, null when True
   * @param lastTransitionTime when the status last changed (ISO-8601, whole seconds)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record KnativeCondition(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  /** The same snapshot with each revision's {@code held} count read from {@code held}. */
  public StatusSnapshot withHeld(ToIntFunction<RevisionKey> held) {
    return new StatusSnapshot(
        services,
        revisions.stream()
            .map(r -> r.withHeld(held.applyAsInt(new RevisionKey(r.namespace(), r.name()))))
            .toList());
  }

  /**
   * A revision's pilot light.
   *
   * @param enabled the revision has {@code pilotlight.dev/reserve-instance: "true"}
   * @param ready its reserve instance is ready now
   * @param state {@code off} (standard instances serve), {@code starting}, {@code ready}, {@code
   *     draining} (finishing its requests before it stops); null when not enabled
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ReserveStatus(boolean enabled, boolean ready, String state) {
    public static final ReserveStatus DISABLED = new ReserveStatus(false, false, null);
  }

  /**
   * One of Knative's PodAutoscaler conditions of a revision's autoscaler ({@link
   * PodAutoscalerConditions}): Active, Ready, ScaleTargetInitialized.
   *
   * @param status True, False or Unknown
   * @param reason CamelCase, null when True
   * @param lastTransitionTime when the status last changed (ISO-8601, whole seconds)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AutoscalerCondition(
      String type, String status, String reason, String message, String lastTransitionTime) {}

  /**
   * @param desiredReplicas standard instances the autoscaler wants
   * @param actualReplicas standard instances ready now
   * @param message a problem with the revision's instances (crash loop, no command), else null
   * @param held requests held at the gateway now, waiting for an instance; null when unknown
   * @param reserve the pilot light; null when unknown
   * @param conditions the revision's autoscaler as Knative's PodAutoscaler conditions; null when
   *     unknown
   * @param pending standard instances wanted but not running: waiting for the node's capacity
   *     ({@code Unschedulable}, said in {@code message}) or to restart after a crash; null when
   *     unknown
   * @param instances each instance now (runtime, image, state); null when unknown
   * @param revisionConditions Knative's conditions of the Revision (Ready, ResourcesAvailable,
   *     ContainerHealthy, Active), as the reconcilers wrote them; null when unknown
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RevisionStatus(
      String name,
      String namespace,
      String service,
      String configuration,
      int desiredReplicas,
      int actualReplicas,
      boolean ready,
      boolean routed,
      String message,
      Integer held,
      ReserveStatus reserve,
      List<AutoscalerCondition> conditions,
      Integer pending,
      List<InstanceStatus> instances,
      List<KnativeCondition> revisionConditions) {

    public RevisionStatus withHeld(int held) {
      return new RevisionStatus(
          name,
          namespace,
          service,
          configuration,
          desiredReplicas,
          actualReplicas,
          ready,
          routed,
          message,
          held,
          reserve,
          conditions,
          pending,
          instances,
          revisionConditions);
    }
  }

  /**
   * One instance of a revision, as the runtime sees it now.
   *
   * @param name the instance's id (its log file's name)
   * @param instanceClass {@code standard}, or {@code reserve} for the pilot light
   * @param runtime {@code process} (a host process) or {@code container}
   * @param image the container's image (and the id it resolved to), null for a process
   * @param state {@code Pending} (waiting for the node's capacity), {@code ContainerCreating} (its
   *     image being resolved or pulled, or its pod prepared), {@code ImagePullBackOff}, {@code
   *     CreateContainerConfigError}, {@code Starting}, {@code Ready}, {@code CrashLoopBackOff}
   *     (waiting to restart), {@code Terminating}
   * @param port the loopback port it serves on, null before it has one
   * @param restarts how often it was restarted after a crash or a failed start
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InstanceStatus(
      String name,
      String instanceClass,
      String runtime,
      String image,
      String state,
      Integer port,
      long restarts) {}
}
