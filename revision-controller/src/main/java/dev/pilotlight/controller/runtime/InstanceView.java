package dev.pilotlight.controller.runtime;

import dev.pilotlight.api.spi.InstanceClass;
import java.time.Instant;
import java.util.Objects;

/**
 * One instance of a revision as its runtime sees it now: what a kubelet reports of a pod and its
 * serving container, so that local mode's node agent can write the instance as a Pod.
 *
 * @param id the instance's id, unique in its revision (its log file's name)
 * @param instanceClass standard, or reserve for the pilot light
 * @param runtime {@code process} (a host process) or {@code container}
 * @param image the container's image (with the id it resolved to), null for a process
 * @param state where the instance is
 * @param reason for {@link State#WAITING}, the kubelet's waiting reason: {@code ContainerCreating},
 *     {@code ImagePullBackOff}, {@code ErrImagePull}, {@code ErrImageNeverPull}, {@code
 *     CreateContainerConfigError} or {@code CrashLoopBackOff}; for {@link State#PENDING} {@code
 *     Unschedulable}; else null
 * @param message why it waits (for {@link State#PENDING}, what the node's capacity lacks), or null
 * @param port the loopback port it serves on, null before it has one
 * @param restarts how often it was restarted after a crash or a failed start
 * @param startedAt when its current process started, null when none runs or unknown
 * @param lastExit how its previous process ended, null before any crash
 */
public record InstanceView(
    String id,
    InstanceClass instanceClass,
    String runtime,
    String image,
    State state,
    String reason,
    String message,
    Integer port,
    long restarts,
    Instant startedAt,
    LastExit lastExit) {

  /** Where an instance is, in the kubelet's terms. */
  public enum State {
    /** Not started: waits for the node's capacity (the pod is Unschedulable). */
    PENDING,
    /** Not running: its image, its configuration, or its restart backoff ({@code reason}). */
    WAITING,
    /** Running, not ready yet. */
    STARTING,
    /** Running and passing its readiness probe. */
    READY,
    /** Stopping: told to finish and exit. */
    TERMINATING
  }

  /**
   * How an instance's previous process ended, as a container's {@code lastState.terminated}.
   *
   * @param exitCode its exit code; 128 when it could not start
   * @param reason {@code Error}, {@code Completed} (exit code 0) or {@code StartError}
   * @param message what the runtime says of it, or null
   */
  public record LastExit(int exitCode, String reason, String message) {
    public LastExit {
      Objects.requireNonNull(reason, "reason");
    }
  }

  public InstanceView {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(instanceClass, "instanceClass");
    Objects.requireNonNull(state, "state");
  }

  /** Whether a process of it runs now (ready or not, or finishing). */
  public boolean running() {
    return state == State.STARTING || state == State.READY || state == State.TERMINATING;
  }
}
