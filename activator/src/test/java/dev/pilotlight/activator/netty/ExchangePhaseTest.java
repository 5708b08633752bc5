package dev.pilotlight.activator.netty;

import static dev.pilotlight.activator.netty.ExchangePhase.ACQUIRING;
import static dev.pilotlight.activator.netty.ExchangePhase.BACKOFF;
import static dev.pilotlight.activator.netty.ExchangePhase.CONNECTING;
import static dev.pilotlight.activator.netty.ExchangePhase.DONE;
import static dev.pilotlight.activator.netty.ExchangePhase.HELD;
import static dev.pilotlight.activator.netty.ExchangePhase.RESPONDING;
import static dev.pilotlight.activator.netty.ExchangePhase.SENDING;
import static dev.pilotlight.activator.netty.ExchangePhase.TUNNEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exchange's phases and their transitions, as a table: every pair is allowed or not. */
class ExchangePhaseTest {
  static final Map<ExchangePhase, Set<ExchangePhase>> ALLOWED =
      Map.of(
          ACQUIRING, EnumSet.of(HELD, CONNECTING, DONE),
          HELD, EnumSet.of(CONNECTING, DONE),
          CONNECTING, EnumSet.of(SENDING, BACKOFF, DONE),
          BACKOFF, EnumSet.of(ACQUIRING, DONE),
          SENDING, EnumSet.of(RESPONDING, TUNNEL, CONNECTING, BACKOFF, DONE),
          RESPONDING, EnumSet.of(DONE),
          TUNNEL, EnumSet.of(DONE),
          DONE, EnumSet.noneOf(ExchangePhase.class));

  @Test
  void everyPairIsAllowedExactlyAsTheTableSays() {
    for (ExchangePhase from : ExchangePhase.values()) {
      for (ExchangePhase to : ExchangePhase.values()) {
        assertThat(from.canMoveTo(to))
            .as(from + " -> " + to)
            .isEqualTo(ALLOWED.get(from).contains(to));
      }
    }
  }

  @Test
  void everyPhaseButDoneCanEnd_andNothingLeavesDone() {
    for (ExchangePhase p : ExchangePhase.values()) {
      assertThat(p.canMoveTo(DONE)).isEqualTo(p != DONE);
    }
  }

  @Test
  void aFailureBreaksTheResponseOffOnlyOnceItBegan() {
    for (ExchangePhase p : ExchangePhase.values()) {
      assertThat(p.responseBegun()).as(p.name()).isEqualTo(p == RESPONDING || p == TUNNEL);
    }
  }
}
