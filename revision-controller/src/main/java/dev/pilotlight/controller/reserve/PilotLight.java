package dev.pilotlight.controller.reserve;

import java.time.Duration;

/**
 * The pilot-light policy: whether a revision runs its reserve instance, and how many standard
 * instances run meanwhile. A pure function of what is observed, what it decided last and {@code
 * now}; the controller applies the answer and calls again on every change.
 *
 * <p>Design. The reserve exists so that something warm is always there when the autoscaler has
 * taken standard instances to zero:
 *
 * <ul>
 *   <li><b>At zero</b> (the autoscaler wants no standard instance) the reserve runs. Until it is
 *       ready, one standard instance that is ready stays (the handover), so there is never a moment
 *       with nothing warm; a standard instance that is not ready is not kept.
 *   <li><b>Waking</b> (standard instances wanted, none ready yet) the reserve keeps running if it
 *       was, since it is what serves meanwhile; it is not started for this.
 *   <li><b>Awake</b> (a standard instance is ready) the reserve is no longer wanted. It is stopped
 *       once it has no request in flight (the gateway sends it none while a standard instance is
 *       ready), or when {@code drainLimit} has passed, whichever comes first; until then the answer
 *       says when to look again.
 *   <li>A revision without the pilot light, or that no route sends traffic to, has no reserve.
 * </ul>
 *
 * The standard count is the autoscaler's everywhere except during the handover. Crashes are the
 * runtime's business (it restarts the reserve like any instance).
 */
public final class PilotLight {
  /** How often a draining reserve is looked at again. */
  public static final Duration DRAIN_CHECK = Duration.ofMillis(100);

  private PilotLight() {}

  /**
   * What the policy looks at.
   *
   * @param enabled the revision has the pilot light on
   * @param routed some route sends traffic to the revision
   * @param desiredStandard standard instances the autoscaler wants
   * @param standardReady standard instances ready now
   * @param reserveReady the reserve instance is ready now
   * @param reserveInFlight requests in flight to the reserve instance
   */
  public record Observed(
      boolean enabled,
      boolean routed,
      int desiredStandard,
      int standardReady,
      boolean reserveReady,
      int reserveInFlight) {}

  /**
   * What one decision leaves for the next.
   *
   * @param reserveRunning whether the reserve was wanted running
   * @param drainingSinceNanos when the drain of the reserve began (ticker nanos), -1 when none
   */
  public record State(boolean reserveRunning, long drainingSinceNanos) {
    public static final State OFF = new State(false, -1);

    public boolean draining() {
      return drainingSinceNanos >= 0;
    }
  }

  /**
   * @param standardReplicas standard instances to run
   * @param reserveRunning whether the reserve instance runs
   * @param recheckAfter when to decide again though nothing else changes (while draining), or null
   * @param state for the next decision
   */
  public record Decision(
      int standardReplicas, boolean reserveRunning, Duration recheckAfter, State state) {}

  /** Where the reserve is, for status and events. */
  public enum Phase {
    /** The revision has no pilot light. */
    DISABLED,
    /** Not running: standard instances serve. */
    OFF,
    /** Running, not ready yet. */
    STARTING,
    /** Ready: serves while no standard instance is ready. */
    READY,
    /** A standard instance is ready: finishing its requests, then stopped. */
    DRAINING;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * @param drainLimit longest a reserve with requests in flight is kept once no longer wanted (the
   *     revision's request timeout)
   */
  public static Decision decide(Observed o, State prior, Duration drainLimit, long nowNanos) {
    int standard = o.desiredStandard();
    boolean wanted;
    if (!o.enabled() || !o.routed()) {
      wanted = false;
    } else if (o.desiredStandard() == 0) {
      wanted = true;
      if (!o.reserveReady()) {
        standard = Math.min(1, o.standardReady()); // the handover
      }
    } else if (o.standardReady() == 0) {
      wanted = prior.reserveRunning();
    } else {
      wanted = false;
    }
    if (wanted) {
      return new Decision(standard, true, null, new State(true, -1));
    }
    return drain(o, prior, standard, drainLimit, nowNanos);
  }

  /** The reserve is not wanted: stop it once idle or once the drain limit has passed. */
  private static Decision drain(
      Observed o, State prior, int standard, Duration drainLimit, long nowNanos) {
    if (!prior.reserveRunning() || o.reserveInFlight() <= 0) {
      return new Decision(standard, false, null, State.OFF);
    }
    long since = prior.draining() ? prior.drainingSinceNanos() : nowNanos;
    long left = drainLimit.toNanos() - (nowNanos - since);
    if (left <= 0) {
      return new Decision(standard, false, null, State.OFF);
    }
    Duration recheck = Duration.ofNanos(Math.min(left, DRAIN_CHECK.toNanos()));
    return new Decision(standard, true, recheck, new State(true, since));
  }

  /** Where the reserve is after {@code decision}, given what is observed. */
  public static Phase phase(Observed o, Decision decision) {
    if (!o.enabled()) {
      return Phase.DISABLED;
    }
    if (!decision.reserveRunning()) {
      return Phase.OFF;
    }
    if (decision.state().draining()) {
      return Phase.DRAINING;
    }
    return o.reserveReady() ? Phase.READY : Phase.STARTING;
  }
}
