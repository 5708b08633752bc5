package dev.pilotlight.controller.kubernetes.gc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.kubernetes.gc.RevisionGc.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: which revisions the collector deletes, and when it looks again. */
class RevisionGcTest {
  static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");

  /** {@code n} inactive revisions r1..rn, ri created and last routed {@code ageHours(i)} ago. */
  static List<Candidate> inactive(int n, int hoursApart) {
    List<Candidate> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Instant t = NOW.minus(Duration.ofHours((long) (n - i + 1) * hoursApart));
      out.add(new Candidate("r" + i, t, t, false));
    }
    return out;
  }

  static List<Candidate> with(List<Candidate> base, Candidate... more) {
    List<Candidate> out = new ArrayList<>(base);
    out.addAll(List.of(more));
    return out;
  }

  static Stream<Arguments> cases() {
    GcConfig knative = GcConfig.DEFAULTS;
    GcConfig eager = new GcConfig(Duration.ZERO, Duration.ZERO, 1, GcConfig.DISABLED);
    Candidate routedOld =
        new Candidate(
            "routed", NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(30)), true);
    return Stream.of(
        Arguments.of(
            "Knative defaults: 20 inactive are kept however old",
            inactive(20, 100),
            knative,
            List.of()),
        Arguments.of(
            "Knative defaults: beyond 20, only stale ones go, oldest first",
            inactive(23, 100),
            knative,
            List.of("r1", "r2", "r3")),
        Arguments.of(
            "Knative defaults: recently created ones are not stale yet",
            inactive(23, 1),
            knative,
            List.of()),
        Arguments.of(
            "active revisions neither count nor go",
            with(inactive(2, 1), routedOld),
            eager,
            List.of("r1")),
        Arguments.of(
            "min 1 keeps the most recently active",
            inactive(4, 1),
            eager,
            List.of("r1", "r2", "r3")),
        Arguments.of(
            "max deletes beyond it whatever the age",
            inactive(5, 1),
            new GcConfig(Duration.ofDays(1), Duration.ofDays(1), 0, 2),
            List.of("r1", "r2", "r3")),
        Arguments.of(
            "everything disabled deletes nothing",
            inactive(30, 100),
            new GcConfig(null, null, 0, GcConfig.DISABLED),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void deletes(String name, List<Candidate> revisions, GcConfig config, List<String> expected) {
    assertThat(RevisionGc.plan(revisions, config, NOW).delete()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "recheck: {0}")
  @MethodSource("rechecks")
  void rechecksWhenTheNextRevisionBecomesStale(
      String name, List<Candidate> revisions, GcConfig config, Optional<Instant> expected) {
    assertThat(RevisionGc.plan(revisions, config, NOW).recheckAt()).isEqualTo(expected);
  }

  static Stream<Arguments> rechecks() {
    GcConfig twoHours = new GcConfig(Duration.ofMinutes(150), null, 1, GcConfig.DISABLED);
    return Stream.of(
        Arguments.of(
            "created 3h, 2h, 1h ago, kept 2.5h: r1 goes now, r2 in 30 min",
            inactive(3, 1),
            twoHours,
            Optional.of(NOW.plus(Duration.ofMinutes(30)))),
        Arguments.of("nothing beyond min: never", inactive(1, 1), twoHours, Optional.empty()),
        Arguments.of(
            "time checks disabled: never",
            inactive(3, 1),
            new GcConfig(null, null, 1, GcConfig.DISABLED),
            Optional.empty()));
  }
}
