package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.runtime.local.ProbeMachine.Kind;
import dev.pilotlight.controller.runtime.local.ProbeMachine.Outcome;
import dev.pilotlight.controller.runtime.local.ProbeMachine.Timing;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kubelet's probe rules as a pure state machine: results in, ready and restart out. */
class ProbeMachineTest {
  static final long S = Duration.ofSeconds(1).toNanos();
  static final Duration FAST = Duration.ofMillis(2);

  static Timing t(int initialDelay, int period, int success, int failure) {
    return new Timing(
        Duration.ofSeconds(initialDelay),
        Duration.ofSeconds(period),
        Duration.ofSeconds(1),
        success,
        failure);
  }

  /**
   * A script of results: "R+" a readiness success, "L-" a liveness failure, "S+" a startup success;
   * the outcomes it gives, in order, NONE left out.
   */
  static Stream<Arguments> scripts() {
    Timing readiness = t(0, 1, 1, 3);
    return Stream.of(
        Arguments.of(
            "ready on the first success", null, null, readiness, "R+", List.of(Outcome.READY)),
        Arguments.of(
            "successThreshold 2 needs two in a row",
            null,
            null,
            t(0, 1, 2, 3),
            "R+ R- R+ R+",
            List.of(Outcome.READY)),
        Arguments.of(
            "not ready after failureThreshold consecutive failures",
            null,
            null,
            readiness,
            "R+ R- R- R+ R- R- R-",
            List.of(Outcome.READY, Outcome.NOT_READY)),
        Arguments.of(
            "a failure below the threshold while ready changes nothing",
            null,
            null,
            readiness,
            "R+ R- R- R+ R- R-",
            List.of(Outcome.READY)),
        Arguments.of(
            "liveness restarts after failureThreshold consecutive failures",
            null,
            t(0, 10, 1, 3),
            readiness,
            "R+ L- L- L+ L- L- L-",
            List.of(Outcome.READY, Outcome.RESTART)),
        Arguments.of(
            "readiness and liveness wait for the startup probe",
            t(0, 1, 1, 3),
            t(0, 10, 1, 1),
            readiness,
            "R+ L- S- S+ R+ L-",
            List.of(Outcome.STARTED, Outcome.READY, Outcome.RESTART)),
        Arguments.of(
            "a startup probe failing failureThreshold times restarts",
            t(0, 1, 1, 2),
            null,
            readiness,
            "S- S-",
            List.of(Outcome.RESTART)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scripts")
  void outcomes(
      String rule,
      Timing startup,
      Timing liveness,
      Timing readiness,
      String script,
      List<Outcome> expected) {
    ProbeMachine m = new ProbeMachine(startup, liveness, readiness, FAST, 0);
    List<Outcome> got = new ArrayList<>();
    for (String step : script.split(" ")) {
      Kind k =
          switch (step.charAt(0)) {
            case 'S' -> Kind.STARTUP;
            case 'L' -> Kind.LIVENESS;
            default -> Kind.READINESS;
          };
      Outcome o = m.record(k, step.charAt(1) == '+', "GET / failed");
      if (o != Outcome.NONE) {
        got.add(o);
      }
    }
    assertThat(got).as(rule).isEqualTo(expected);
  }

  @Test
  void theRestartReasonNamesTheProbeAndTheCount() {
    ProbeMachine m = new ProbeMachine(null, t(0, 10, 1, 2), t(0, 1, 1, 3), FAST, 0);
    m.record(Kind.LIVENESS, false, "exec exited with code 1");
    assertThat(m.record(Kind.LIVENESS, false, "exec exited with code 1"))
        .isEqualTo(Outcome.RESTART);
    assertThat(m.reason()).isEqualTo("liveness probe failed 2 times (exec exited with code 1)");
  }

  @Test
  void timingRespectsInitialDelayPeriodAndFastReadinessWhileNotReady() {
    long start = 100 * S;
    ProbeMachine m = new ProbeMachine(null, t(5, 10, 1, 3), t(2, 4, 1, 3), FAST, start);
    // first runs after the initial delay
    assertThat(m.nextAt(Kind.READINESS, null)).isEqualTo(start + 2 * S);
    assertThat(m.nextAt(Kind.LIVENESS, null)).isEqualTo(start + 5 * S);
    // not ready: readiness polls fast, but never before the initial delay
    assertThat(m.nextAt(Kind.READINESS, start)).isEqualTo(start + 2 * S);
    assertThat(m.nextAt(Kind.READINESS, start + 3 * S)).isEqualTo(start + 3 * S + FAST.toNanos());
    m.record(Kind.READINESS, true, "");
    // ready: every period
    assertThat(m.nextAt(Kind.READINESS, start + 3 * S)).isEqualTo(start + 7 * S);
    assertThat(m.nextAt(Kind.LIVENESS, start + 5 * S)).isEqualTo(start + 15 * S);
  }

  @Test
  void initialDelaysCountFromWhenTheEngineSaysTheContainerRuns() {
    ProbeMachine m = new ProbeMachine(t(3, 1, 1, 3), null, t(0, 1, 1, 3), FAST, 0);
    assertThat(m.nextAt(Kind.STARTUP, null)).isEqualTo(3 * S);
    m.running(2 * S);
    assertThat(m.nextAt(Kind.STARTUP, null)).isEqualTo(5 * S);
    m.running(S); // never earlier
    assertThat(m.nextAt(Kind.STARTUP, null)).isEqualTo(5 * S);
  }

  @Test
  void kubernetesDefaultsForUnsetFields() {
    Probe empty = new ProbeBuilder().withNewTcpSocket().endTcpSocket().build();
    assertThat(Timing.of(empty, Kind.LIVENESS))
        .isEqualTo(new Timing(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3));
    assertThat(Timing.of(null, Kind.READINESS).period()).isEqualTo(Duration.ofSeconds(1));
    Probe set =
        new ProbeBuilder()
            .withInitialDelaySeconds(3)
            .withPeriodSeconds(7)
            .withTimeoutSeconds(2)
            .withSuccessThreshold(4)
            .withFailureThreshold(5)
            .build();
    assertThat(Timing.of(set, Kind.READINESS))
        .isEqualTo(
            new Timing(Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(2), 4, 5));
    // liveness and startup have successThreshold 1, always
    assertThat(Timing.of(set, Kind.LIVENESS).successThreshold()).isEqualTo(1);
  }

  @Test
  void livenessAndReadinessAreInactiveUntilStartupSucceeds() {
    ProbeMachine m = new ProbeMachine(t(0, 1, 1, 3), t(0, 10, 1, 3), t(0, 1, 1, 3), FAST, 0);
    assertThat(m.active(Kind.STARTUP)).isTrue();
    assertThat(m.active(Kind.LIVENESS)).isFalse();
    assertThat(m.active(Kind.READINESS)).isFalse();
    assertThat(m.record(Kind.STARTUP, true, "")).isEqualTo(Outcome.STARTED);
    assertThat(m.active(Kind.STARTUP)).isFalse();
    assertThat(m.active(Kind.LIVENESS)).isTrue();
    assertThat(m.active(Kind.READINESS)).isTrue();
  }
}
