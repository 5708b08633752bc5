package dev.pilotlight.controller.status;

import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import java.util.List;

/**
 * A revision's autoscaler state as Knative's PodAutoscaler conditions
 * (pkg/apis/autoscaling/v1alpha1 pa_lifecycle.go; the rules of the KPA reconciler's {@code
 * computeActiveCondition}), as a pure function of the scale wanted, the instances ready and the
 * conditions before:
 *
 * <ul>
 *   <li>{@code ScaleTargetInitialized}: True once the ready instances reached the activation
 *       threshold, {@code max(min-scale, initial-scale)} (min-scale counts only while routed); it
 *       stays True. Unknown before, without a reason.
 *   <li>{@code Active}: False {@code NoTraffic} when the scale wanted is 0 (or the threshold is 0),
 *       False {@code TimedOut} when that happens while activating (Unknown {@code Queued}) and
 *       routed: the progress deadline passed with too few instances ready; Unknown {@code Queued}
 *       while fewer than the threshold are ready and some are wanted (requests wait at the
 *       activator meanwhile); True when enough are ready. With no decision yet (wanted -1) an
 *       inactive revision stays inactive.
 *   <li>{@code Ready}: Knative's happy condition over the two: the first False one, else the first
 *       Unknown one, else True.
 * </ul>
 *
 * <p>Knative's third condition, {@code SKSReady}, is left out: it reports the ServerlessService,
 * Knative's switch of a revision's traffic between the activator and its pods. Pilotlight has no
 * such object: the activator always holds the revision's endpoints and sends to ready instances
 * directly, so there is nothing whose readiness to report.
 *
 * <p>Requests waiting at the activator are not an input: as in Knative, they show through the scale
 * wanted (each held request pokes the autoscaler, which wants at least one instance at once).
 * Transition times are added by {@link Conditions#merge}, with the caller's clock.
 */
public final class PodAutoscalerConditions {
  public static final String ACTIVE = "Active";
  public static final String SCALE_TARGET_INITIALIZED = "ScaleTargetInitialized";
  public static final String READY = Conditions.READY;

  public static final String NO_TRAFFIC = "NoTraffic";
  public static final String NO_TRAFFIC_MESSAGE = "The target is not receiving traffic.";
  public static final String TIMED_OUT = "TimedOut";
  public static final String TIMED_OUT_MESSAGE = "The target could not be activated.";
  public static final String QUEUED = "Queued";
  public static final String QUEUED_MESSAGE =
      "Requests to the target are being buffered as resources are provisioned.";

  private PodAutoscalerConditions() {}

  /**
   * @param want the scale the autoscaler wants, -1 when it has decided nothing yet
   * @param ready standard instances ready now
   * @param routed a route sends the revision traffic (else min-scale does not count, as in
   *     Knative's scale bounds, and going to zero is never a time-out: Pilotlight's autoscaler
   *     takes an unrouted revision to zero at once)
   * @param minScale the revision's min-scale
   * @param initialScale the revision's initial scale
   * @param previous the conditions before (null or empty for a new revision)
   * @return Active, Ready and ScaleTargetInitialized, in that order
   */
  public static List<Cond> of(
      int want, int ready, boolean routed, int minScale, int initialScale, List<Cond> previous) {
    minScale = routed ? minScale : 0;
    boolean initialized = status(previous, SCALE_TARGET_INITIALIZED).isTrue();
    int threshold = initialized ? Math.max(minScale, 1) : Math.max(minScale, initialScale);
    if (ready >= threshold) {
      initialized = true;
    }
    Cond before = status(previous, ACTIVE);
    boolean inactive = before.isFalse();
    boolean activating = !before.isTrue() && !before.isFalse();
    Cond active;
    if (want == 0 || threshold == 0) {
      active =
          routed && activating && threshold > 0 && before.reason() != null
              ? Cond.isFalse(ACTIVE, TIMED_OUT, TIMED_OUT_MESSAGE)
              : Cond.isFalse(ACTIVE, NO_TRAFFIC, NO_TRAFFIC_MESSAGE);
    } else if (ready < threshold) {
      active =
          want > 0 || !inactive
              ? Cond.unknown(ACTIVE, QUEUED, QUEUED_MESSAGE)
              : Cond.isFalse(ACTIVE, NO_TRAFFIC, NO_TRAFFIC_MESSAGE);
    } else {
      active = want > 0 || !inactive ? Cond.isTrue(ACTIVE) : before;
    }
    Cond target =
        initialized
            ? Cond.isTrue(SCALE_TARGET_INITIALIZED)
            : Cond.unknown(SCALE_TARGET_INITIALIZED, null, null);
    return List.of(active, Conditions.all(READY, List.of(active, target)), target);
  }

  private static Cond status(List<Cond> conditions, String type) {
    if (conditions != null) {
      for (Cond c : conditions) {
        if (type.equals(c.type())) {
          return c;
        }
      }
    }
    return Cond.unknown(type, null, null);
  }
}
