package dev.pilotlight.controller.kubernetes.status;

import static dev.pilotlight.controller.kubernetes.status.Conditions.READY;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Revision's conditions from its Deployment and pods, as Knative states them: {@code
 * ResourcesAvailable} (the Deployment could create instances and one became ready), {@code
 * ContainerHealthy} (its container starts: the image pulls, the process does not crash) and {@code
 * Ready} over both. Once an instance has been ready the revision stays available when it scales to
 * zero; a failure seen later (an image that no longer pulls) makes it not ready again.
 */
public final class RevisionConditions {
  public static final String RESOURCES_AVAILABLE = "ResourcesAvailable";
  public static final String CONTAINER_HEALTHY = "ContainerHealthy";

  static final Set<String> IMAGE_PULL_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "RegistryUnavailable",
          "ImageInspectError");
  static final Set<String> CONFIG_REASONS =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  private RevisionConditions() {}

  /**
   * @param wasAvailable whether an instance has been ready before (the previous ResourcesAvailable)
   * @param deployment the revision's Deployment, null when not created yet
   * @param pods the revision's pods
   * @param container the serving container's name
   * @param image the serving container's image
   * @return ResourcesAvailable, ContainerHealthy, Ready
   */
  public static List<Cond> of(
      boolean wasAvailable, Deployment deployment, List<Pod> pods, String container, String image) {
    boolean available = wasAvailable || readyReplicas(deployment) > 0;
    Cond deploying =
        new Cond(
            null,
            Conditions.UNKNOWN,
            "Deploying",
            "waiting for the first instance to become ready");
    Cond resources =
        deploymentProblem(deployment)
            .or(() -> schedulingProblem(pods))
            .orElse(available ? Cond.isTrue(null) : deploying)
            .as(RESOURCES_AVAILABLE);
    Cond health =
        containerProblem(pods, container, image)
            .orElse(available ? Cond.isTrue(null) : deploying)
            .as(CONTAINER_HEALTHY);
    return List.of(resources, health, Conditions.all(READY, List.of(resources, health)));
  }

  public static int readyReplicas(Deployment d) {
    if (d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
      return 0;
    }
    return d.getStatus().getReadyReplicas();
  }

  static Optional<Cond> deploymentProblem(Deployment d) {
    if (d == null || d.getStatus() == null || d.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (DeploymentCondition c : d.getStatus().getConditions()) {
      if ("ReplicaFailure".equals(c.getType()) && Conditions.TRUE.equals(c.getStatus())) {
        return Optional.of(
            Cond.isFalse(
                null,
                c.getReason() == null ? "ReplicaFailure" : c.getReason(),
                "cannot create instances: " + c.getMessage()));
      }
      if ("Progressing".equals(c.getType())
          && Conditions.FALSE.equals(c.getStatus())
          && "ProgressDeadlineExceeded".equals(c.getReason())) {
        return Optional.of(
            Cond.isFalse(
                null,
                "ProgressDeadlineExceeded",
                "the instances did not become ready within the Deployment's progress deadline: "
                    + c.getMessage()));
      }
    }
    return Optional.empty();
  }

  static Optional<Cond> schedulingProblem(List<Pod> pods) {
    for (Pod p : pods) {
      if (p.getStatus() == null || p.getStatus().getConditions() == null || deleting(p)) {
        continue;
      }
      for (PodCondition c : p.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType())
            && Conditions.FALSE.equals(c.getStatus())
            && "Unschedulable".equals(c.getReason())) {
          return Optional.of(
              Cond.isFalse(
                  null,
                  "Unschedulable",
                  "no node can run an instance: "
                      + c.getMessage()
                      + " (lower the container's resource requests or add capacity)"));
        }
      }
    }
    return Optional.empty();
  }

  static Optional<Cond> containerProblem(List<Pod> pods, String container, String image) {
    for (Pod p : pods) {
      if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null || deleting(p)) {
        continue;
      }
      for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
        if (container != null && !container.equals(cs.getName())) {
          continue;
        }
        Optional<Cond> problem = problem(p, cs, image);
        if (problem.isPresent()) {
          return problem;
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Cond> problem(Pod pod, ContainerStatus cs, String image) {
    ContainerStateWaiting waiting = cs.getState() == null ? null : cs.getState().getWaiting();
    if (waiting == null || waiting.getReason() == null) {
      return Optional.empty();
    }
    String reason = waiting.getReason();
    if (IMAGE_PULL_REASONS.contains(reason)) {
      return Optional.of(
          Cond.isFalse(
              null,
              reason,
              "Unable to pull image \""
                  + image
                  + "\": "
                  + (waiting.getMessage() == null ? reason : waiting.getMessage())
                  + (localLog(pod) == null
                      ? " (check the image name and tag, and that the cluster's nodes can pull"
                          + " from its registry)"
                      : " (check the image name and tag, and that this machine's container engine"
                          + " can pull from its registry)")));
    }
    if ("CrashLoopBackOff".equals(reason)) {
      ContainerStateTerminated last =
          cs.getLastState() == null ? null : cs.getLastState().getTerminated();
      int code = last == null || last.getExitCode() == null ? 1 : last.getExitCode();
      String detail =
          last == null
              ? reason
              : last.getMessage() != null
                  ? last.getMessage()
                  : last.getReason() != null ? last.getReason() : reason;
      return Optional.of(
          Cond.isFalse(
              null,
              "ExitCode" + code,
              "Container failed with: "
                  + detail
                  + (localLog(pod) == null
                      ? " (see kubectl logs -n "
                          + pod.getMetadata().getNamespace()
                          + " "
                          + pod.getMetadata().getName()
                          + " -c "
                          + cs.getName()
                          + " --previous)"
                      : " (see " + localLog(pod) + ")")));
    }
    if (CONFIG_REASONS.contains(reason)) {
      return Optional.of(
          Cond.isFalse(
              null,
              reason,
              "cannot start the container: "
                  + (waiting.getMessage() == null ? reason : waiting.getMessage())));
    }
    return Optional.empty();
  }

  /** The instance's log file when the local node agent runs the pod, else null. */
  private static String localLog(Pod p) {
    var annotations = p.getMetadata() == null ? null : p.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(KubernetesNames.LOG_ANNOTATION);
  }

  private static boolean deleting(Pod p) {
    return p.getMetadata() != null && p.getMetadata().getDeletionTimestamp() != null;
  }
}
