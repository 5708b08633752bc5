package dev.pilotlight.activator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteSelectorTest {
  static final RevisionKey BLUE = new RevisionKey("default", "blue-00001");
  static final RevisionKey GREEN = new RevisionKey("default", "green-00001");

  static RouteSelector selector(long seed) {
    Random random = new Random(seed);
    RouteSelector s = new RouteSelector(random::nextInt);
    s.update(
        new RouteTable(
            Map.of(
                "split.default.localhost",
                new HostRoute(
                    "default",
                    "split",
                    List.of(new WeightedRevision(BLUE, 80), new WeightedRevision(GREEN, 20))),
                "canary-split.default.localhost",
                new HostRoute("default", "split", List.of(new WeightedRevision(GREEN, 100))))));
    return s;
  }

  @Test
  void weightedPickFollowsTheSplit() {
    RouteSelector s = selector(42);
    int blue = 0;
    for (int i = 0; i < 10_000; i++) {
      if (s.select("split.default.localhost").equals(BLUE)) {
        blue++;
      }
    }
    assertThat(blue).isBetween(7_800, 8_200);
  }

  @Test
  void hostsMatchExactlyIgnoringCasePortAndTrailingDot() {
    RouteSelector s = selector(1);
    assertThat(s.select("canary-split.default.localhost")).isEqualTo(GREEN);
    assertThat(s.select("Canary-Split.Default.Localhost:8080")).isEqualTo(GREEN);
    assertThat(s.select("canary-split.default.localhost.")).isEqualTo(GREEN);
    assertThat(s.select("other.default.localhost")).isNull();
    assertThat(s.select(null)).isNull();
  }

  @Test
  void normalizesIpv6Literals() {
    assertThat(RouteSelector.normalizeHost("[::1]:8080")).isEqualTo("[::1]");
    assertThat(RouteSelector.normalizeHost("[::1]")).isEqualTo("[::1]");
  }
}
