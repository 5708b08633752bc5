package dev.pilotlight.controller.kubernetes.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConditionsTest {
  static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T2 = Instant.parse("2026-01-01T00:05:00.123Z");

  @Test
  void transitionTimeIsKeptWhileTheStatusStaysAndMovesWhenItChanges() {
    List<Condition> first =
        Conditions.merge(null, List.of(Cond.unknown("Ready", "Deploying", "waiting")), T1);
    assertThat(first.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");

    List<Condition> sameStatusNewMessage =
        Conditions.merge(first, List.of(Cond.unknown("Ready", "Deploying", "still waiting")), T2);
    assertThat(sameStatusNewMessage.get(0).getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(sameStatusNewMessage.get(0).getMessage()).isEqualTo("still waiting");

    List<Condition> changed = Conditions.merge(first, List.of(Cond.isTrue("Ready")), T2);
    assertThat(changed.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(changed.get(0).getReason()).isNull();

    assertThat(Conditions.merge(changed, List.of(Cond.isTrue("Ready")), T2.plusSeconds(60)))
        .as("unchanged conditions compare equal, so nothing is written")
        .isEqualTo(changed);
  }

  @Test
  void conditionsAreSortedByType() {
    List<Condition> c =
        Conditions.merge(
            null,
            List.of(
                Cond.isTrue("RoutesReady"),
                Cond.isTrue("Ready"),
                Cond.isTrue("ConfigurationsReady")),
            T1);
    assertThat(c)
        .extracting(Condition::getType)
        .containsExactly("ConfigurationsReady", "Ready", "RoutesReady");
  }

  static Stream<Arguments> happiness() {
    Cond t = Cond.isTrue("A");
    Cond u = Cond.unknown("B", "Waiting", "w");
    Cond f = Cond.isFalse("C", "Broken", "b");
    return Stream.of(
        Arguments.of(List.of(t, t), Cond.isTrue("Ready")),
        Arguments.of(List.of(t, u), new Cond("Ready", "Unknown", "Waiting", "w")),
        Arguments.of(List.of(u, f), new Cond("Ready", "False", "Broken", "b")),
        Arguments.of(List.of(), Cond.isTrue("Ready")));
  }

  @ParameterizedTest
  @MethodSource("happiness")
  void readyIsTheFirstFalseElseTheFirstUnknownElseTrue(List<Cond> dependents, Cond expected) {
    assertThat(Conditions.all("Ready", dependents)).isEqualTo(expected);
  }
}
