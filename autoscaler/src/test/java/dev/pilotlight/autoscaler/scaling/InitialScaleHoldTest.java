package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InitialScaleHoldTest {
  static final long S = 1_000_000_000L;
  static final Duration DEADLINE = Duration.ofSeconds(600);

  @Test
  void holdsTheInitialScaleUntilThatManyAreReadyThenLetsGo() {
    InitialScaleHold hold = new InitialScaleHold(2, 0, 0, DEADLINE);
    assertThat(hold.apply(10 * S, 0, 0)).isEqualTo(2);
    assertThat(hold.apply(20 * S, 0, 1)).isEqualTo(2);
    assertThat(hold.holding()).isTrue();
    // Knative ("initial scale reached for the first time"): that decision still keeps it
    assertThat(hold.apply(30 * S, 0, 2)).isEqualTo(2);
    assertThat(hold.holding()).isFalse();
    assertThat(hold.apply(35 * S, 0, 2)).isZero();
    // once reached, instances going away later do not bring the hold back
    assertThat(hold.apply(40 * S, 0, 0)).isZero();
  }

  @Test
  void aHigherDesireIsNeverLowered() {
    InitialScaleHold hold = new InitialScaleHold(1, 0, 0, DEADLINE);
    assertThat(hold.apply(S, 5, 0)).isEqualTo(5);
  }

  @Test
  void aRevisionThatNeverGetsThereIsLetGoAtTheDeadline() {
    InitialScaleHold hold = new InitialScaleHold(1, 0, 0, DEADLINE);
    assertThat(hold.apply(599 * S, 0, 0)).isEqualTo(1);
    assertThat(hold.apply(600 * S, 0, 0)).isZero();
  }

  @Test
  void nothingIsHeldForInitialScaleZeroOrWhenAlreadyThere() {
    assertThat(new InitialScaleHold(0, 0, 0, DEADLINE).apply(S, 0, 0)).isZero();
    InitialScaleHold restarted = new InitialScaleHold(1, 3, 0, DEADLINE);
    assertThat(restarted.holding()).isFalse();
    assertThat(restarted.apply(S, 0, 3)).isZero();
  }
}
