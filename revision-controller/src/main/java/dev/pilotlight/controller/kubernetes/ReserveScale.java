package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.controller.reserve.PilotLight;
import java.time.Duration;

/**
 * The replicas of a revision's two Deployments under the pilot-light policy ({@link PilotLight},
 * shared with local mode), as a pure function of what the cluster shows: the reserve runs (1)
 * whenever the autoscaler wants no standard instance; until it has a ready replica the last ready
 * standard replica stays; once a standard replica is ready again it goes back to 0. What the
 * reserve was told last is its Deployment's replicas, so the rule keeps no state of its own.
 *
 * <p>Unlike local mode the controller does not see the reserve's requests in flight: a reserve no
 * longer wanted is scaled to 0 at once, and its pod's termination grace (the revision's timeout)
 * lets what it serves finish, while the activator sends it nothing new once a standard endpoint is
 * ready.
 */
final class ReserveScale {
  private ReserveScale() {}

  /**
   * @param standard replicas of the standard Deployment
   * @param reserve replicas of the reserve Deployment, 0 or 1
   */
  record Replicas(int standard, int reserve) {}

  /**
   * @param enabled the revision has a valid pilot light
   * @param routed some route sends traffic to the revision
   * @param desiredStandard the autoscaler's desired scale
   * @param standardReady ready replicas of the standard Deployment
   * @param reserveRunning the reserve Deployment's replicas are 1 now
   * @param reserveReady the reserve Deployment has a ready replica
   */
  static Replicas of(
      boolean enabled,
      boolean routed,
      int desiredStandard,
      int standardReady,
      boolean reserveRunning,
      boolean reserveReady) {
    PilotLight.Decision d =
        PilotLight.decide(
            new PilotLight.Observed(
                enabled, routed, desiredStandard, standardReady, reserveReady, 0),
            new PilotLight.State(reserveRunning, -1),
            Duration.ZERO,
            0);
    return new Replicas(d.standardReplicas(), d.reserveRunning() ? 1 : 0);
  }
}
