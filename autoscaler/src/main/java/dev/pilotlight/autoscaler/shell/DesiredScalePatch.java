package dev.pilotlight.autoscaler.shell;

import dev.pilotlight.api.spi.RevisionKey;

/**
 * Writes a PodAutoscaler's {@code status.desiredScale}, that field only ({@code status.actualScale}
 * is the controller's): a merge patch of the status subresource on a cluster, a status merge in
 * local mode's object store. The {@link AutoscalerShell}'s one write.
 */
@FunctionalInterface
public interface DesiredScalePatch {
  /**
   * Writes {@code desiredScale} into the PodAutoscaler {@code key}'s status; throws on failure (the
   * write is retried with backoff).
   */
  void writeDesiredScale(RevisionKey key, int desiredScale);
}
