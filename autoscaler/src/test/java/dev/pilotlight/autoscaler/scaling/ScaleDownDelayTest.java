package dev.pilotlight.autoscaler.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScaleDownDelayTest {
  static final long S = 1_000_000_000L;

  @Test
  void upAtOnceDownOnlyAfterTheDelay() {
    ScaleDownDelay d = new ScaleDownDelay();
    assertThat(d.apply(0, 5, 10 * S)).isEqualTo(5);
    assertThat(d.apply(2 * S, 8, 10 * S)).isEqualTo(8);
    assertThat(d.apply(4 * S, 2, 10 * S)).isEqualTo(8);
    assertThat(d.apply(11 * S, 2, 10 * S)).isEqualTo(8);
    assertThat(d.apply(12 * S, 2, 10 * S))
        .as("8 was desired at 2s, now out of the window")
        .isEqualTo(2);
  }

  @Test
  void matchesABruteForceMaximum() {
    Random random = new Random(3);
    ScaleDownDelay d = new ScaleDownDelay();
    long[] times = new long[2000];
    int[] values = new int[2000];
    long now = 0;
    long delay = 7 * S;
    for (int i = 0; i < times.length; i++) {
      now += random.nextInt(3 * 1_000_000) * 1000L;
      times[i] = now;
      values[i] = random.nextInt(20);
      int expected = 0;
      for (int j = 0; j <= i; j++) {
        if (now - times[j] < delay) {
          expected = Math.max(expected, values[j]);
        }
      }
      assertThat(d.apply(now, values[i], delay)).isEqualTo(expected);
    }
  }

  @Test
  void zeroDelayIsNoDelay() {
    ScaleDownDelay d = new ScaleDownDelay();
    d.apply(0, 9, 0);
    assertThat(d.apply(1, 1, 0)).isEqualTo(1);
  }
}
