package dev.pilotlight.controller.runtime;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.RevisionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a revision's instances. Level-triggered: {@link #apply} declares the desired state and the
 * runtime converges to it in the background (start, probe, restart on crash, stop); observed state
 * comes back through the {@link InstanceListener}.
 *
 * <p>The seam below the local node agent ({@code controller/node/NodeAgent}), which realizes
 * Deployments through it in local mode: {@code runtime/local/ProcessRuntime} runs instances as host
 * processes or as containers through Podman or Docker. On Kubernetes the kubelet plays this part
 * and nothing implements it.
 */
public interface WorkloadRuntime extends AutoCloseable {

  /**
   * Declares that {@code revision} should have {@code standardReplicas} standard instances.
   * Idempotent and non-blocking. Throws {@link IllegalArgumentException} with a clear message when
   * this runtime cannot run the revision at all (for example a container without a command in local
   * mode).
   */
  void apply(Revision revision, int standardReplicas);

  /**
   * Declares whether {@code revision} runs its reserve instance (the pilot light): one instance of
   * the same container with {@code reserve}'s spec applied, published as {@link
   * dev.pilotlight.api.spi.InstanceClass#RESERVE}, restarted on crash like any instance, stopped
   * when not running. Idempotent and non-blocking.
   *
   * @throws UnsupportedOperationException when this runtime runs no reserve instances (the default)
   */
  default void applyReserve(Revision revision, ReserveSpec reserve, boolean running) {
    if (running) {
      throw new UnsupportedOperationException(
          getClass().getSimpleName() + " runs no reserve instances");
    }
  }

  /** Stops and forgets every instance of the revision. Non-blocking. */
  void delete(RevisionKey revision);

  /** The last observed state of a revision; {@link InstanceSet#empty} when unknown. */
  InstanceSet observe(RevisionKey revision);

  /**
   * Each instance of the revision now, pending, waiting, running and stopping ones alike, as a
   * kubelet reports its pods; empty when unknown. The default knows only what {@link #observe}
   * says: the ready instances and the starting ones that have an address.
   */
  default List<InstanceView> instances(RevisionKey revision) {
    InstanceSet set = observe(revision);
    List<InstanceView> out = new ArrayList<>();
    for (Endpoint e : set.ready()) {
      out.add(view(e, InstanceView.State.READY));
    }
    for (Endpoint e : set.startingEndpoints()) {
      out.add(view(e, InstanceView.State.STARTING));
    }
    return out;
  }

  private static InstanceView view(Endpoint e, InstanceView.State state) {
    return new InstanceView(
        e.id(), e.instanceClass(), "process", null, state, null, null, e.port(), 0, null, null);
  }

  /** Registers the listener told of every change of a revision's observed instances. */
  void setListener(InstanceListener listener);

  /**
   * Where the instance {@code instanceId} of {@code revision} logs, when it is a file this machine
   * can read; empty when the runtime keeps no such file (the default).
   */
  default java.util.Optional<java.nio.file.Path> logFile(RevisionKey revision, String instanceId) {
    return java.util.Optional.empty();
  }

  /** Stops every instance (SIGTERM, then a grace period, then kill) and waits for them. */
  @Override
  void close();
}
