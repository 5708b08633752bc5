package dev.pilotlight.controller.runtime;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.spi.RevisionKey;

/**
 * Runs a revision's instances. Level-triggered: {@link #apply} declares the desired state and the
 * runtime converges to it in the background (start, probe, restart on crash, stop); observed state
 * comes back through the {@link InstanceListener}. Two implementations: local processes and
 * Kubernetes.
 */
public interface WorkloadRuntime extends AutoCloseable {

  /**
   * Declares that {@code revision} should have {@code standardReplicas} standard instances.
   * Idempotent and non-blocking. Throws {@link IllegalArgumentException} with a clear message when
   * this runtime cannot run the revision at all (for example a container without a command in local
   * mode).
   */
  void apply(Revision revision, int standardReplicas);

  /** Stops and forgets every instance of the revision. Non-blocking. */
  void delete(RevisionKey revision);

  /** The last observed state of a revision; {@link InstanceSet#empty} when unknown. */
  InstanceSet observe(RevisionKey revision);

  /** Registers the listener told of every change of a revision's observed instances. */
  void setListener(InstanceListener listener);

  /** Stops every instance (SIGTERM, then a grace period, then kill) and waits for them. */
  @Override
  void close();
}
