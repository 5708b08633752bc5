package dev.pilotlight.controller.node;

import java.time.Duration;
import java.util.Objects;

/**
 * What to do with a running reserve (pilot light) instance, as Knative's queue-proxy drains on
 * SIGTERM: while its Deployment wants it, it runs; once the Deployment is scaled to 0 its endpoint
 * is first marked terminating (the gateway sends it nothing new), then it is stopped when it has no
 * request in flight, or when the revision's timeout has passed since the drain began (no request
 * can last longer). So a request that the pilot light is serving is never cut off when standard
 * instances take over. A pure function of its inputs.
 */
public final class ReserveDrain {
  /** How often a draining reserve's requests in flight are looked at again. */
  public static final Duration RECHECK = Duration.ofMillis(100);

  private ReserveDrain() {}

  /** The decision. */
  public enum Action {
    /** Keep it running and serving. */
    RUN,
    /** Keep it running, its endpoint terminating; look again after {@link #RECHECK}. */
    DRAIN,
    /** Stop it. */
    STOP
  }

  /**
   * @param desiredReplicas the reserve Deployment's replicas (0 or 1)
   * @param inFlight requests in flight to the reserve instance, as the gateway counts them
   * @param elapsed time since the drain began (zero when it begins now)
   * @param timeout the revision's request timeout: the longest a request may take
   */
  public static Action decide(
      int desiredReplicas, int inFlight, Duration elapsed, Duration timeout) {
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(timeout, "timeout");
    if (desiredReplicas > 0) {
      return Action.RUN;
    }
    if (inFlight <= 0 || elapsed.compareTo(timeout) >= 0) {
      return Action.STOP;
    }
    return Action.DRAIN;
  }
}
