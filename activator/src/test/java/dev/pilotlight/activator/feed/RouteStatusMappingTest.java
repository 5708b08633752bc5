package dev.pilotlight.activator.feed;

import static dev.pilotlight.activator.feed.K8sFixtures.route;
import static dev.pilotlight.activator.feed.K8sFixtures.traffic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.TrafficStatus;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteStatusMappingTest {
  static final String DOMAIN = "example.com";

  static WeightedRevision w(String ns, String revision, int percent) {
    return new WeightedRevision(new RevisionKey(ns, revision), percent);
  }

  /** name, routes, expected hosts. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no route: no host", List.of(), Map.of()),
        Arguments.of(
            "route not resolved yet: no host", List.of(route("default", "hello")), Map.of()),
        Arguments.of(
            "one revision at 100%",
            List.of(route("default", "hello", traffic("hello-00001", 100, null))),
            Map.of(
                "hello.default.example.com",
                new HostRoute("default", "hello", List.of(w("default", "hello-00001", 100))))),
        Arguments.of(
            "split, and a tag with its own host",
            List.of(
                route(
                    "default",
                    "split",
                    traffic("split-00001", 80, null),
                    traffic("split-00002", 20, "canary"))),
            Map.of(
                "split.default.example.com",
                new HostRoute(
                    "default",
                    "split",
                    List.of(w("default", "split-00001", 80), w("default", "split-00002", 20))),
                "canary-split.default.example.com",
                new HostRoute("default", "split", List.of(w("default", "split-00002", 100))))),
        Arguments.of(
            "a tag at 0% is reachable on its tag host only",
            List.of(
                route(
                    "default",
                    "hello",
                    traffic("hello-00002", 100, null),
                    traffic("hello-00001", 0, "old"))),
            Map.of(
                "hello.default.example.com",
                new HostRoute("default", "hello", List.of(w("default", "hello-00002", 100))),
                "old-hello.default.example.com",
                new HostRoute("default", "hello", List.of(w("default", "hello-00001", 100))))),
        Arguments.of(
            "entries without a revision are skipped; routes of several namespaces",
            List.of(
                route(
                    "team-a",
                    "api",
                    new TrafficStatus(null, "api", true, 100L, null, null),
                    traffic("api-00003", 100, null)),
                route("team-b", "api", traffic("api-00001", 100, null))),
            Map.of(
                "api.team-a.example.com",
                new HostRoute("team-a", "api", List.of(w("team-a", "api-00003", 100))),
                "api.team-b.example.com",
                new HostRoute("team-b", "api", List.of(w("team-b", "api-00001", 100))))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void buildsHostsFromStatusTraffic(
      String name, List<RouteResource> routes, Map<String, HostRoute> hosts) {
    assertThat(RouteStatusMapping.routeTable(routes, DOMAIN)).isEqualTo(new RouteTable(hosts));
  }

  @Test
  void routeOrderDoesNotMatter() {
    RouteResource a = route("default", "a", traffic("a-00001", 100, null));
    RouteResource b = route("default", "b", traffic("b-00001", 100, null));
    assertThat(RouteStatusMapping.routeTable(List.of(a, b), DOMAIN))
        .isEqualTo(RouteStatusMapping.routeTable(List.of(b, a), DOMAIN));
  }
}
