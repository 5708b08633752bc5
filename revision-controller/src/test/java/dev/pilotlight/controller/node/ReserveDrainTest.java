package dev.pilotlight.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.node.ReserveDrain.Action;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reserve's drain decision, row by row. */
class ReserveDrainTest {

  @ParameterizedTest(name = "replicas {0}, in flight {1}, {2} ms of {3} ms → {4}")
  @CsvSource({
    // wanted: runs, whatever else
    "1, 0, 0, 300000, RUN",
    "1, 3, 900000, 300000, RUN",
    // scaled to 0: drains while requests are in flight, within the timeout
    "0, 1, 0, 300000, DRAIN",
    "0, 2, 299999, 300000, DRAIN",
    // idle: stops at once
    "0, 0, 0, 300000, STOP",
    "0, 0, 100, 300000, STOP",
    // the timeout passed: no request can still be legitimately running
    "0, 1, 300000, 300000, STOP",
    "0, 5, 400000, 300000, STOP",
  })
  void decides(int replicas, int inFlight, long elapsedMs, long timeoutMs, Action expected) {
    assertThat(
            ReserveDrain.decide(
                replicas, inFlight, Duration.ofMillis(elapsedMs), Duration.ofMillis(timeoutMs)))
        .isEqualTo(expected);
  }
}
