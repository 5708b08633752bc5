package dev.pilotlight.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {
  final Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(10));

  @ParameterizedTest(name = "failure {0} waits {1} ms")
  @CsvSource({
    "1, 50",
    "2, 100",
    "3, 200",
    "4, 400",
    "8, 6400",
    "9, 10000",
    "10, 10000",
    "1000, 10000"
  })
  void doublesPerFailureUpToTheCap(int failures, long millis) {
    assertThat(backoff.delay(failures)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> backoff.delay(0)).hasMessageContaining("failures: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("base: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("expected: >= base");
  }
}
