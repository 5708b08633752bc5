package dev.pilotlight.loadtest.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendScheduleTest {
  static final long S = 1_000_000_000L;

  static List<Long> all(SendSchedule s) {
    List<Long> times = new ArrayList<>();
    long t;
    while ((t = s.next()) >= 0) {
      times.add(t);
    }
    return times;
  }

  @Test
  void constantRateIsEvenlySpaced() {
    List<Long> times = all(new SendSchedule(List.of(new Phase(Duration.ofSeconds(1), 4))));
    assertThat(times).containsExactly(0L, S / 4, S / 2, 3 * S / 4);
  }

  @Test
  void idlePhasesSendNothingAndShiftLaterPhases() {
    List<Long> times = all(new SendSchedule(Phases.parse("2s@0,1s@2,1s@0,1s@1")));
    assertThat(times).containsExactly(2 * S, 2 * S + S / 2, 4 * S);
  }

  @Test
  void countsMatchRateTimesDuration() {
    assertThat(all(new SendSchedule(Phases.parse("10s@200,5s@1000")))).hasSize(2000 + 5000);
  }

  @Test
  void rateAtFollowsThePhases() {
    SendSchedule s = new SendSchedule(Phases.parse("30s@0,60s@200"));
    assertThat(s.rateAt(10 * S)).isZero();
    assertThat(s.rateAt(30 * S)).isEqualTo(200);
    assertThat(s.rateAt(90 * S)).isZero();
  }

  @Test
  void badPhasesAreNamed() {
    assertThatThrownBy(() -> Phases.parse("30s"))
        .hasMessage("\"30s\" (expected: DURATION@RATE, e.g. 60s@200)");
    assertThatThrownBy(() -> Phases.parse("30s@-1"))
        .hasMessageContaining("rate: -1.0 (expected: >= 0");
    assertThatThrownBy(() -> Phases.parse("0s@5")).hasMessageContaining("duration");
  }
}
