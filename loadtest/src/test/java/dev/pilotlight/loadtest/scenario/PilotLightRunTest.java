package dev.pilotlight.loadtest.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.report.Metric;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PilotLightRunTest {
  static Histogram ms(double... values) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    for (double v : values) {
      h.recordValue((long) (v * 1000));
    }
    return h;
  }

  @Test
  void comparesTheFirstRequestsWithAndWithoutAndAgainstWarm() {
    List<Metric> m =
        PilotLightRun.metrics(ms(20, 22, 24), ms(2000, 2100, 2200), ms(10, 10, 11, 10, 10));
    Map<String, Double> v = LoadRunTest.byKey(m);
    assertThat(v.get("with_ttfb_p50_ms")).isCloseTo(22, org.assertj.core.data.Offset.offset(0.1));
    assertThat(v.get("without_ttfb_p50_ms"))
        .isCloseTo(2100, org.assertj.core.data.Offset.offset(2.0));
    assertThat(v.get("with_over_warm")).isCloseTo(2.2, org.assertj.core.data.Offset.offset(0.01));
    assertThat(v.get("without_over_with"))
        .isCloseTo(2100 / 22.0, org.assertj.core.data.Offset.offset(0.2));
  }

  @Test
  void withoutWarmRequestsTheRatioIsNotReached() {
    List<Metric> m = PilotLightRun.metrics(ms(20), ms(2000), ms());
    assertThat(m)
        .filteredOn(x -> x.key().equals("with_over_warm"))
        .allMatch(x -> x.value() == null);
  }

  @Test
  void recordersFoldIntoOneAnother() {
    LatencyRecorder a = new LatencyRecorder();
    a.success(1_000_000);
    a.firstByte(500_000);
    a.error("status 503", 2_000_000, true);
    a.interval(1);
    LatencyRecorder all = new LatencyRecorder();
    all.add(a);
    all.add(a);
    assertThat(all.total().getTotalCount()).isEqualTo(4);
    assertThat(all.firstByteTotal().getTotalCount()).isEqualTo(2);
    assertThat(all.errors()).containsEntry("status 503", 2L);
  }
}
