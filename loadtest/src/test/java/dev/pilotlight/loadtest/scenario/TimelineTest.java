package dev.pilotlight.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.scenario.Timeline.ScaleEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  static final List<ReplicaSample> UP_AND_DOWN =
      List.of(
          new ReplicaSample(0, 0, 0, 1),
          new ReplicaSample(1, 1, 0, 1),
          new ReplicaSample(2, 3, 1, 1),
          new ReplicaSample(3, 3, 3, 0),
          new ReplicaSample(4, 1, 1, 0),
          new ReplicaSample(5, 0, 0, 1));

  @Test
  void peakDesiredLooksOnlyInsideTheWindow() {
    assertThat(Timeline.peakDesired(UP_AND_DOWN, 0, 1)).isEqualTo(1);
    assertThat(Timeline.peakDesired(UP_AND_DOWN, 0, 10)).isEqualTo(3);
    assertThat(Timeline.peakDesired(UP_AND_DOWN, 4.5, 10)).isZero();
  }

  @Test
  void firstFindsTheEarliestMatchingSampleAtOrAfterTheStart() {
    assertThat(Timeline.first(UP_AND_DOWN, 0, s -> s.ready() >= 3)).hasValue(3);
    assertThat(Timeline.first(UP_AND_DOWN, 1, ReplicaSample::atZero)).hasValue(5);
    assertThat(Timeline.first(UP_AND_DOWN, 0, ReplicaSample::atZero)).hasValue(0);
    assertThat(Timeline.first(UP_AND_DOWN, 0, s -> s.ready() > 3)).isEmpty();
  }

  @Test
  void eventsAreDesiredChangesAndReserveChanges() {
    assertThat(Timeline.events(UP_AND_DOWN))
        .containsExactly(
            new ScaleEvent(1, "scale up 0 → 1"),
            new ScaleEvent(2, "scale up 1 → 3"),
            new ScaleEvent(3, "reserve gone"),
            new ScaleEvent(4, "scale down 3 → 1"),
            new ScaleEvent(5, "scale down 1 → 0"),
            new ScaleEvent(5, "reserve ready"));
  }

  @Test
  void lastAtZeroLooksAtTheLatestSampleOnly() {
    assertThat(Timeline.lastAtZero(UP_AND_DOWN)).isTrue();
    assertThat(Timeline.lastAtZero(UP_AND_DOWN.subList(0, 4))).isFalse();
    assertThat(Timeline.lastAtZero(List.of())).isFalse();
  }

  @Test
  void atZeroWithTheReserveNeedsItReady() {
    assertThat(Timeline.lastAtZeroWithReserve(UP_AND_DOWN)).isTrue();
    assertThat(
            Timeline.lastAtZeroWithReserve(
                List.of(new ReplicaSample(0, 0, 0, 0), new ReplicaSample(1, 0, 0, 0))))
        .as("at zero, the reserve still starting")
        .isFalse();
    assertThat(Timeline.lastAtZeroWithReserve(List.of())).isFalse();
  }
}
