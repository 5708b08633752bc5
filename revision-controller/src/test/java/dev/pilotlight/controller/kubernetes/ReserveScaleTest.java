package dev.pilotlight.controller.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The two Deployments' replicas under the pilot light, one observation of the cluster per row. */
class ReserveScaleTest {

  static Stream<Arguments> table() {
    return Stream.of(
        // name, enabled, routed, desired, standardReady, reserveRunning, reserveReady,
        // standard, reserve
        Arguments.of(
            "off: the autoscaler's scale, no reserve", false, true, 0, 1, false, false, 0, 0),
        Arguments.of("off while a reserve runs: it goes", false, true, 0, 0, true, true, 0, 0),
        Arguments.of("unrouted: no reserve at zero", true, false, 0, 1, false, false, 0, 0),
        Arguments.of("serving: no reserve", true, true, 3, 3, false, false, 3, 0),
        Arguments.of("a new revision starting: no reserve", true, true, 1, 0, false, false, 1, 0),
        Arguments.of(
            "to zero: reserve 1, the last ready standard stays",
            true,
            true,
            0,
            1,
            false,
            false,
            1,
            1),
        Arguments.of("to zero from several ready: one stays", true, true, 0, 3, false, false, 1, 1),
        Arguments.of(
            "reserve scaled, not ready yet: standard still held",
            true,
            true,
            0,
            1,
            true,
            false,
            1,
            1),
        Arguments.of("reserve ready: standard to 0", true, true, 0, 1, true, true, 0, 1),
        Arguments.of("at zero with a ready reserve", true, true, 0, 0, true, true, 0, 1),
        Arguments.of(
            "at zero, nothing standard ready: none started for the handover",
            true,
            true,
            0,
            0,
            false,
            false,
            0,
            1),
        Arguments.of(
            "waking: standard wanted, none ready: the reserve keeps serving",
            true,
            true,
            2,
            0,
            true,
            true,
            2,
            1),
        Arguments.of(
            "waking without a reserve: none started for it", true, true, 2, 0, false, false, 2, 0),
        Arguments.of("awake: a standard ready, reserve to 0", true, true, 2, 1, true, true, 2, 0),
        Arguments.of("unrouted while running: reserve to 0", true, false, 0, 0, true, true, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void replicas(
      String name,
      boolean enabled,
      boolean routed,
      int desired,
      int standardReady,
      boolean reserveRunning,
      boolean reserveReady,
      int standard,
      int reserve) {
    assertThat(
            ReserveScale.of(enabled, routed, desired, standardReady, reserveRunning, reserveReady))
        .isEqualTo(new ReserveScale.Replicas(standard, reserve));
  }
}
