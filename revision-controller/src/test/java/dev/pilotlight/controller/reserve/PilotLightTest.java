package dev.pilotlight.controller.reserve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.reserve.PilotLight.Decision;
import dev.pilotlight.controller.reserve.PilotLight.Observed;
import dev.pilotlight.controller.reserve.PilotLight.Phase;
import dev.pilotlight.controller.reserve.PilotLight.State;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pilot-light policy, one decision per row, then whole lifecycles in manual time. */
class PilotLightTest {
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);
  static final State RUNNING = new State(true, -1);

  /** enabled and routed, with the autoscaler's desire and what is ready. */
  static Observed on(int desired, int standardReady, boolean reserveReady, int reserveInFlight) {
    return new Observed(true, true, desired, standardReady, reserveReady, reserveInFlight);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // name, observed, prior, standard, reserve, phase
        Arguments.of(
            "off: standard instances as the autoscaler wants, no reserve",
            new Observed(false, true, 0, 1, false, 0),
            State.OFF,
            0,
            false,
            Phase.DISABLED),
        Arguments.of(
            "unrouted: no reserve",
            new Observed(true, false, 0, 0, false, 0),
            State.OFF,
            0,
            false,
            Phase.OFF),
        Arguments.of(
            "serving with standard instances: no reserve",
            on(3, 3, false, 0),
            State.OFF,
            3,
            false,
            Phase.OFF),
        Arguments.of(
            "a new revision starting its standard instances: no reserve",
            on(1, 0, false, 0),
            State.OFF,
            1,
            false,
            Phase.OFF),
        Arguments.of(
            "to zero: the reserve starts, the last ready standard instance stays",
            on(0, 1, false, 0),
            State.OFF,
            1,
            true,
            Phase.STARTING),
        Arguments.of(
            "to zero from several: one stays for the handover",
            on(0, 3, false, 0),
            State.OFF,
            1,
            true,
            Phase.STARTING),
        Arguments.of(
            "to zero with nothing ready: nothing is kept for the handover",
            on(0, 0, false, 0),
            State.OFF,
            0,
            true,
            Phase.STARTING),
        Arguments.of(
            "the reserve is ready: the last standard instance stops",
            on(0, 1, true, 0),
            RUNNING,
            0,
            true,
            Phase.READY),
        Arguments.of(
            "a request woke the revision: the reserve serves until standard is ready",
            on(1, 0, true, 1),
            RUNNING,
            1,
            true,
            Phase.READY),
        Arguments.of(
            "waking without a reserve: none is started for it",
            on(1, 0, false, 0),
            State.OFF,
            1,
            false,
            Phase.OFF),
        Arguments.of(
            "a standard instance is ready, the reserve idle: stopped at once",
            on(1, 1, true, 0),
            RUNNING,
            1,
            false,
            Phase.OFF),
        Arguments.of(
            "a standard instance is ready, the reserve busy: it drains",
            on(1, 1, true, 2),
            RUNNING,
            1,
            true,
            Phase.DRAINING),
        Arguments.of(
            "the route went elsewhere: the reserve drains too",
            new Observed(true, false, 0, 0, true, 1),
            RUNNING,
            0,
            true,
            Phase.DRAINING),
        Arguments.of(
            "standard gone again while draining: the reserve serves again",
            on(1, 0, true, 1),
            new State(true, 5),
            1,
            true,
            Phase.READY));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(
      String name, Observed observed, State prior, int standard, boolean reserve, Phase phase) {
    Decision d = PilotLight.decide(observed, prior, DRAIN_LIMIT, 1_000);
    assertThat(d.standardReplicas()).as("standard").isEqualTo(standard);
    assertThat(d.reserveRunning()).as("reserve").isEqualTo(reserve);
    assertThat(PilotLight.phase(observed, d)).isEqualTo(phase);
  }

  /** Feeds the policy its own state, as the controller does. */
  static final class Run {
    final ManualTicker ticker = new ManualTicker();
    State state = State.OFF;
    Decision last;

    Decision step(Observed o) {
      last = PilotLight.decide(o, state, DRAIN_LIMIT, ticker.nanoTime());
      state = last.state();
      return last;
    }
  }

  @Test
  void aWholeIdleWakeIdleCycleNeverLeavesNothingWarm() {
    Run run = new Run();
    // created: the autoscaler's initial scale, no reserve yet
    assertThat(run.step(on(1, 0, false, 0))).isEqualTo(new Decision(1, false, null, State.OFF));
    assertThat(run.step(on(1, 1, false, 0)).reserveRunning()).isFalse();
    // idle: the reserve starts, the standard instance waits for it
    assertThat(run.step(on(0, 1, false, 0))).isEqualTo(new Decision(1, true, null, RUNNING));
    assertThat(run.step(on(0, 1, true, 0))).isEqualTo(new Decision(0, true, null, RUNNING));
    assertThat(run.step(on(0, 0, true, 0)).standardReplicas()).isZero();
    // a request: served by the reserve, standard instances start
    assertThat(run.step(on(2, 0, true, 1))).isEqualTo(new Decision(2, true, null, RUNNING));
    // the first standard instance ready: the reserve finishes its request, then stops
    Decision draining = run.step(on(2, 1, true, 1));
    assertThat(draining.reserveRunning()).isTrue();
    assertThat(draining.recheckAfter()).isEqualTo(PilotLight.DRAIN_CHECK);
    run.ticker.advance(PilotLight.DRAIN_CHECK);
    assertThat(run.step(on(2, 2, true, 1)).reserveRunning()).isTrue();
    assertThat(run.step(on(2, 2, true, 0))).isEqualTo(new Decision(2, false, null, State.OFF));
    // the next idle period brings it back
    assertThat(run.step(on(0, 2, false, 0))).isEqualTo(new Decision(1, true, null, RUNNING));
  }

  @Test
  void aReserveThatNeverFinishesIsStoppedAfterTheDrainLimit() {
    Run run = new Run();
    run.state = RUNNING;
    long began = run.ticker.nanoTime();
    Decision d = run.step(on(1, 1, true, 1));
    assertThat(d.state().drainingSinceNanos()).isEqualTo(began);
    run.ticker.advance(DRAIN_LIMIT.minusMillis(30));
    d = run.step(on(1, 1, true, 1));
    assertThat(d.reserveRunning()).isTrue();
    assertThat(d.recheckAfter()).as("not beyond the limit").isEqualTo(Duration.ofMillis(30));
    assertThat(d.state().drainingSinceNanos()).as("the drain began once").isEqualTo(began);
    run.ticker.advance(Duration.ofMillis(30));
    d = run.step(on(1, 1, true, 1));
    assertThat(d).isEqualTo(new Decision(1, false, null, State.OFF));
  }

  @Test
  void aCrashedReserveIsStillWanted_theHandoverWaitsForItsRestart() {
    Run run = new Run();
    run.state = RUNNING;
    // at zero, the reserve crashed (not ready) and one standard instance is still ready
    assertThat(run.step(on(0, 1, false, 0))).isEqualTo(new Decision(1, true, null, RUNNING));
    assertThat(PilotLight.phase(on(0, 1, false, 0), run.last)).isEqualTo(Phase.STARTING);
  }
}
