package dev.pilotlight.controller.runtime.local;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;

/**
 * The pure probe state of one running instance, as the kubelet keeps it: a {@code startupProbe}
 * gates the other two (neither runs before it has succeeded; {@code failureThreshold} consecutive
 * failures restart the instance); a {@code livenessProbe} restarts the instance after {@code
 * failureThreshold} consecutive failures; a {@code readinessProbe} makes it ready after {@code
 * successThreshold} consecutive successes and not ready after {@code failureThreshold} failures.
 * Each probe first runs {@code initialDelaySeconds} after the instance started (after the startup
 * probe succeeded, for the other two, counted from the start as the kubelet does) and then every
 * {@code periodSeconds}; readiness while not ready runs every {@code fastInterval} instead (the
 * runtime's fast polling, which makes cold starts fast). Times are nanoseconds of an injected
 * clock; the caller runs the checks and reports their results.
 */
final class ProbeMachine {
  /** The three probes of a container. */
  enum Kind {
    STARTUP,
    LIVENESS,
    READINESS
  }

  /** What a result changed. */
  enum Outcome {
    NONE,
    STARTED,
    READY,
    NOT_READY,
    RESTART
  }

  /**
   * One probe's timing, with Kubernetes' defaults for unset fields (readiness's period defaults to
   * 1 s, as local mode always probed it).
   */
  record Timing(
      Duration initialDelay,
      Duration period,
      Duration timeout,
      int successThreshold,
      int failureThreshold) {
    static Timing of(Probe p, Kind kind) {
      int defaultPeriod = kind == Kind.READINESS ? 1 : 10;
      if (p == null) {
        return new Timing(
            Duration.ZERO, Duration.ofSeconds(defaultPeriod), Duration.ofSeconds(1), 1, 3);
      }
      return new Timing(
          Duration.ofSeconds(positive(p.getInitialDelaySeconds(), 0)),
          Duration.ofSeconds(positive(p.getPeriodSeconds(), defaultPeriod)),
          Duration.ofSeconds(positive(p.getTimeoutSeconds(), 1)),
          kind == Kind.READINESS ? positive(p.getSuccessThreshold(), 1) : 1,
          positive(p.getFailureThreshold(), 3));
    }

    private static int positive(Integer v, int dflt) {
      return v == null || v <= 0 ? dflt : v;
    }
  }

  private final Timing startup; // null: none
  private final Timing liveness; // null: none
  private final Timing readiness;
  private final long fastNanos;
  private long startedNanos;
  private boolean started;
  private boolean ready;
  private int successes;
  private final int[] failures = new int[Kind.values().length];
  private String reason;

  /**
   * @param startup the startup probe's timing, null when there is none
   * @param liveness the liveness probe's timing, null when there is none
   * @param readiness the readiness probe's timing (there always is one: the default is a TCP check)
   * @param fastInterval the readiness interval while not ready
   * @param startedNanos when the instance started
   */
  ProbeMachine(
      Timing startup, Timing liveness, Timing readiness, Duration fastInterval, long startedNanos) {
    this.startup = startup;
    this.liveness = liveness;
    this.readiness = readiness;
    this.fastNanos = fastInterval.toNanos();
    this.startedNanos = startedNanos;
    this.started = startup == null;
  }

  /**
   * The instance's container runs since {@code nanos} (as its engine reports it, later than the
   * start the machine was made with): initial delays count from then.
   */
  void running(long nanos) {
    startedNanos = Math.max(startedNanos, nanos);
  }

  boolean started() {
    return started;
  }

  boolean ready() {
    return ready;
  }

  /** Why the last {@link Outcome#RESTART} came, for the instance's failing message. */
  String reason() {
    return reason;
  }

  /** Whether {@code kind} runs now at all (a probe that does not exist, or waits for startup). */
  boolean active(Kind kind) {
    return switch (kind) {
      case STARTUP -> startup != null && !started;
      case LIVENESS -> liveness != null && started;
      case READINESS -> started;
    };
  }

  Timing timing(Kind kind) {
    return switch (kind) {
      case STARTUP -> startup;
      case LIVENESS -> liveness;
      case READINESS -> readiness;
    };
  }

  /**
   * When {@code kind} is next due, given that its last check ended at {@code lastNanos} (or never:
   * {@code null}): not before the initial delay, then every period (readiness while not ready:
   * every fast interval).
   */
  long nextAt(Kind kind, Long lastNanos) {
    Timing t = timing(kind);
    long first = startedNanos + t.initialDelay().toNanos();
    if (lastNanos == null) {
      return first;
    }
    long interval = kind == Kind.READINESS && !ready ? fastNanos : t.period().toNanos();
    return Math.max(first, lastNanos + interval);
  }

  /** Records one check's result; says what changed. */
  Outcome record(Kind kind, boolean ok, String detail) {
    if (!active(kind)) {
      return Outcome.NONE;
    }
    Timing t = timing(kind);
    int k = kind.ordinal();
    if (ok) {
      failures[k] = 0;
    } else {
      failures[k]++;
    }
    switch (kind) {
      case STARTUP -> {
        if (ok) {
          started = true;
          return Outcome.STARTED;
        }
        if (failures[k] >= t.failureThreshold()) {
          reason = failed("startup", failures[k], detail);
          return Outcome.RESTART;
        }
        return Outcome.NONE;
      }
      case LIVENESS -> {
        if (!ok && failures[k] >= t.failureThreshold()) {
          reason = failed("liveness", failures[k], detail);
          return Outcome.RESTART;
        }
        return Outcome.NONE;
      }
      default -> {
        if (ok) {
          successes++;
          if (!ready && successes >= t.successThreshold()) {
            ready = true;
            return Outcome.READY;
          }
          return Outcome.NONE;
        }
        successes = 0;
        if (ready && failures[k] >= t.failureThreshold()) {
          ready = false;
          return Outcome.NOT_READY;
        }
        return Outcome.NONE;
      }
    }
  }

  private static String failed(String probe, int times, String detail) {
    return probe
        + " probe failed "
        + times
        + (times == 1 ? " time" : " times")
        + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
