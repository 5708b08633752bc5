package dev.pilotlight.autoscaler.scaling;

import java.time.Duration;

/**
 * The predictive policy of {@code pilotlight.dev/prewarm: histogram}, as pure functions: the hybrid
 * histogram policy of "Serverless in the Wild" (Shahrad et al., USENIX ATC 2020) over a revision's
 * {@link IdleTimeHistogram}, meant to run with the pilot light.
 *
 * <p>From the idle times seen so far: the <b>prewarm window</b> is the {@value #HEAD_PERCENTILE}th
 * percentile's bin, its lower edge less {@value #MARGIN_PERCENT}%, and the <b>keep-alive window</b>
 * the {@value #TAIL_PERCENTILE}th percentile's bin, its upper edge plus {@value #MARGIN_PERCENT}%,
 * less the prewarm window. Counted from the start of an idle period (the last second with traffic):
 *
 * <ul>
 *   <li>before the prewarm window ends, a long idle is predicted: standard instances go to zero at
 *       once (the pilot light's reserve, if any, serves what comes early);
 *   <li>from then until the keep-alive window ends, one standard instance is kept (started if there
 *       was none): the next request is predicted there;
 *   <li>after that, standard instances go to zero again.
 * </ul>
 *
 * A prewarm window of zero (idle times under a minute are common) keeps one instance for the
 * keep-alive window and no longer. With the pilot light the keep-alive window is at most what the
 * revision keeps an instance without the policy (its stable window plus the grace or retention):
 * the reserve takes a request that comes outside the prediction, so keeping a standard instance
 * longer would only cost. The histogram is <b>representative</b> once it holds {@value
 * #MIN_SAMPLES} idle times and its {@value #TAIL_PERCENTILE}th percentile lies within the range;
 * until then (and for a revision with traffic now, in its initial scale, with min-scale above zero
 * or without scale to zero) the policy says nothing and Knative's windows, grace and retention
 * decide alone: that is the fallback.
 */
public final class Prewarm {
  public static final int HEAD_PERCENTILE = 5;
  public static final int TAIL_PERCENTILE = 99;
  public static final int MARGIN_PERCENT = 10;
  public static final int MIN_SAMPLES = 10;

  /** A revision without traffic for this long is idle; shorter gaps are not idle periods. */
  public static final long IDLE_AFTER_NANOS = 2_000_000_000L;

  private Prewarm() {}

  /**
   * @param representative whether to act on it
   * @param prewarmNanos how long after the start of an idle period no request is expected
   * @param keepAliveNanos how long after the prewarm window one instance is kept
   * @param samples idle times the prediction is made from
   */
  public record Prediction(
      boolean representative, long prewarmNanos, long keepAliveNanos, int samples) {
    static final Prediction NONE = new Prediction(false, 0, 0, 0);
  }

  /** What the policy wants now. */
  public enum Advice {
    /** Nothing: the autoscaler decides as without the policy. */
    NONE,
    /** A long idle is predicted: no standard instance. */
    ZERO,
    /** The next request is predicted now: at least one standard instance. */
    ONE,
    /** No request came within the predicted window: no standard instance. */
    PAST
  }

  /** The windows from a histogram (see the class comment). */
  public static Prediction predict(IdleTimeHistogram h) {
    if (h.count() < MIN_SAMPLES) {
      return new Prediction(false, 0, 0, h.count());
    }
    int head = h.percentileBin(HEAD_PERCENTILE);
    int tail = h.percentileBin(TAIL_PERCENTILE);
    if (head < 0 || tail < 0) {
      return new Prediction(false, 0, 0, h.count());
    }
    long prewarm = head * IdleTimeHistogram.MINUTE * (100 - MARGIN_PERCENT) / 100;
    long end = (tail + 1) * IdleTimeHistogram.MINUTE * (100 + MARGIN_PERCENT) / 100;
    return new Prediction(true, prewarm, end - prewarm, h.count());
  }

  /**
   * The advice {@code idleNanos} into an idle period (since the last second with traffic); {@link
   * Advice#NONE} while not idle or without a representative prediction.
   */
  public static Advice advise(Prediction p, long idleNanos) {
    return advise(p, idleNanos, Long.MAX_VALUE);
  }

  /**
   * As {@link #advise(Prediction, long)} with the keep-alive window at most {@code keepAliveCap}.
   * With the pilot light the reserve serves a request that comes outside the predicted window, so a
   * standard instance is kept no longer than the revision would keep one without the policy (its
   * stable window and last-instance hold): the policy only takes it away earlier and brings it back
   * before the next request.
   */
  public static Advice advise(Prediction p, long idleNanos, long keepAliveCapNanos) {
    if (!p.representative() || idleNanos < IDLE_AFTER_NANOS) {
      return Advice.NONE;
    }
    if (idleNanos < p.prewarmNanos()) {
      return Advice.ZERO;
    }
    if (idleNanos - p.prewarmNanos() < Math.min(p.keepAliveNanos(), keepAliveCapNanos)) {
      return Advice.ONE;
    }
    return Advice.PAST;
  }

  /** Why, for the decision's reason. */
  public static String reason(Advice a, Prediction p) {
    String windows =
        " (prewarm after "
            + human(p.prewarmNanos())
            + ", keep-alive "
            + human(p.keepAliveNanos())
            + ", from "
            + p.samples()
            + " idle times)";
    return switch (a) {
      case NONE -> "no prediction";
      case ZERO -> "prewarm: a long idle period is predicted, standard instances at zero" + windows;
      case ONE -> "prewarm: the next request is predicted now, one instance kept warm" + windows;
      case PAST -> "prewarm: no request within the predicted window" + windows;
    };
  }

  private static String human(long nanos) {
    Duration d = Duration.ofNanos(nanos);
    long s = d.toSeconds();
    return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : s + "s";
  }
}
