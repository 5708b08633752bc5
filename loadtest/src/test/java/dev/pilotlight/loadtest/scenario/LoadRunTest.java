package dev.pilotlight.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.report.Metric;
import dev.pilotlight.loadtest.report.PhaseResult;
import dev.pilotlight.loadtest.schedule.Phase;
import dev.pilotlight.loadtest.schedule.Phases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The scenarios' measurements as functions of a timeline and recorded latencies. */
class LoadRunTest {
  static Map<String, Double> byKey(List<Metric> metrics) {
    return metrics.stream()
        .filter(m -> m.value() != null)
        .collect(Collectors.toMap(Metric::key, Metric::value));
  }

  @Test
  void scaleFromZeroMeasuresFromTheBurstToThePeakScaleReady() {
    LatencyRecorder r = new LatencyRecorder();
    r.firstByte(1_500_000_000L);
    r.interval(1);
    List<ReplicaSample> tl =
        List.of(
            new ReplicaSample(9, 0, 0, 0),
            new ReplicaSample(10, 0, 0, 0),
            new ReplicaSample(11, 2, 0, 0),
            new ReplicaSample(12, 4, 1, 0),
            new ReplicaSample(13, 4, 3, 0),
            new ReplicaSample(14.5, 4, 4, 0));
    Map<String, Double> m = byKey(LoadRun.fromZero(tl, 10.2, r));
    assertThat(m.get("peak_desired")).isEqualTo(4);
    assertThat(m.get("time_to_ask_s")).isCloseTo(1.8, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.get("time_to_scale_s")).isCloseTo(4.3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.get("ttfb_max_ms")).isCloseTo(1500, org.assertj.core.data.Offset.offset(2.0));
  }

  @Test
  void scaleToZeroCountsFromTheLastResponseAndReportsAMissingReserveAsNotReached() {
    List<ReplicaSample> tl =
        List.of(
            new ReplicaSample(20, 3, 3, 0),
            new ReplicaSample(30, 1, 1, 0),
            new ReplicaSample(41, 0, 0, 0));
    List<Metric> metrics = LoadRun.toZero(tl, 21);
    assertThat(byKey(metrics)).containsEntry("time_to_zero_s", 20.0);
    assertThat(metrics.get(1).value()).isNull();
    assertThat(metrics.get(1).display()).isEqualTo("not reached");
  }

  @Test
  void stepMeasuresEachRisingPhaseFromItsOwnStart() {
    List<Phase> phases = Phases.parse("2s@10,2s@100,2s@0");
    LatencyRecorder r = new LatencyRecorder(LoadRun.phaseEnds(new Load.Open(phases)));
    for (int second = 1; second <= 6; second++) {
      r.success(second <= 2 ? 1_000_000 : 9_000_000); // 1 ms in phase 1, 9 ms after
      r.interval(second);
    }
    List<ReplicaSample> tl =
        List.of(
            new ReplicaSample(1, 1, 1, 0),
            new ReplicaSample(3.2, 3, 1, 0),
            new ReplicaSample(4.5, 3, 3, 0),
            new ReplicaSample(6, 1, 1, 0));
    Map<String, Double> m = byKey(LoadRun.step(tl, 1, phases, r));
    assertThat(m)
        .containsEntry("phase1_scale", 1.0)
        .containsEntry("phase1_time_to_scale_s", 0.0)
        .containsEntry("phase2_scale", 3.0)
        .containsEntry("phase2_time_to_scale_s", 1.5)
        .doesNotContainKey("phase3_scale");
    assertThat(m.get("phase1_p50_ms")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(m.get("phase2_p50_ms")).isCloseTo(9.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void anOpenLoopsThroughputIsOverItsPhasesWithARateAndEachPhaseHasItsOwn() {
    Load.Open load = new Load.Open(Phases.parse("2s@10,3s@100,5s@0"));
    assertThat(load.length()).isEqualTo(Duration.ofSeconds(10));
    assertThat(load.loadLength()).isEqualTo(Duration.ofSeconds(5));
    // the idle phase is not the load's: 20 s@150 then 40 s@0 is 150/s, not 50/s
    assertThat(LoadRun.sendingSeconds(load, 1, 7.2)).isEqualTo(5.0);
    assertThat(LoadRun.sendingSeconds(new Load.Closed(8, Duration.ofSeconds(4)), 1, 5.5))
        .isEqualTo(4.5);

    LatencyRecorder r = new LatencyRecorder(LoadRun.phaseEnds(load));
    for (int second = 1; second <= 5; second++) {
      int responses = second <= 2 ? 10 : 100;
      for (int i = 0; i < responses; i++) {
        r.success(second <= 2 ? 1_000_000 : 9_000_000);
      }
      r.interval(second);
    }
    List<PhaseResult> phases = LoadRun.phases(load, 1, r);
    assertThat(phases).hasSize(3);
    assertThat(phases.get(0).responses()).isEqualTo(20);
    assertThat(phases.get(0).throughputRps()).isEqualTo(10.0);
    assertThat(phases.get(0).startS()).isEqualTo(1.0);
    assertThat(phases.get(1).responses()).isEqualTo(300);
    assertThat(phases.get(1).throughputRps()).isEqualTo(100.0);
    assertThat(phases.get(1).p50Ms()).isCloseTo(9.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(phases.get(2))
        .isEqualTo(new PhaseResult(3, 6.0, 5.0, 0, 0, 0, 0, 0)); // idle: observed only
  }

  @Test
  void warmupIsTheFirstPartOfTheLoad() {
    assertThat(LoadRun.warmupOf(new Load.Closed(64, Duration.ofSeconds(30)), Duration.ofSeconds(5)))
        .isEqualTo(new Load.Closed(64, Duration.ofSeconds(5)));
    assertThat(
            LoadRun.warmupOf(new Load.Open(Phases.parse("2s@10,10s@100")), Duration.ofSeconds(5)))
        .isEqualTo(new Load.Open(Phases.parse("2s@10,3s@100")));
  }
}
