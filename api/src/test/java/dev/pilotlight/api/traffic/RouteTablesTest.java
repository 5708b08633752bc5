package dev.pilotlight.api.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.traffic.RouteTables.ResolvedRoute;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTablesTest {
  static RevisionKey key(String name) {
    return new RevisionKey("default", name);
  }

  @Test
  void mainHostCarriesTheSplit_tagHostsTheirRevisionAlone() {
    RouteTable table =
        RouteTables.build(
            List.of(
                new ResolvedRoute(
                    "default",
                    "split",
                    List.of(
                        new ResolvedTarget("blue-00001", "blue", true, 80, null, null),
                        new ResolvedTarget("green-00001", "green", true, 20, "canary", "http://x"),
                        new ResolvedTarget("old-00001", null, false, 0, "old", "http://y")))),
            "localhost");
    assertThat(table.lookup("split.default.localhost").targets())
        .containsExactly(
            new WeightedRevision(key("blue-00001"), 80),
            new WeightedRevision(key("green-00001"), 20));
    assertThat(table.lookup("canary-split.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("green-00001"), 100));
    assertThat(table.lookup("old-split.default.localhost").targets())
        .containsExactly(new WeightedRevision(key("old-00001"), 100));
    assertThat(RouteTables.routedRevisions(table))
        .containsExactlyInAnyOrder(key("blue-00001"), key("green-00001"), key("old-00001"));
  }

  @Test
  void entriesForTheSameRevisionMerge() {
    RouteTable table =
        RouteTables.build(
            List.of(
                new ResolvedRoute(
                    "ns",
                    "r",
                    List.of(
                        new ResolvedTarget("a-00001", "a", true, 50, null, null),
                        new ResolvedTarget("a-00001", null, false, 50, null, null)))),
            "example.com");
    assertThat(table.lookup("r.ns.example.com").targets())
        .containsExactly(new WeightedRevision(new RevisionKey("ns", "a-00001"), 100));
  }
}
