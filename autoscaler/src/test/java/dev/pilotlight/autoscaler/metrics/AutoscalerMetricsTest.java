package dev.pilotlight.autoscaler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.autoscaler.intake.IntakeMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

public class AutoscalerMetricsTest {
  static final RevisionKey A = new RevisionKey("default", "a-00001");
  static final RevisionKey B = new RevisionKey("team", "b-00002");

  /** A gauge's value for {@code revision}, or null when the series is absent. */
  public static Double gauge(PrometheusRegistry registry, String name, String revision) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof GaugeSnapshot g && s.getMetadata().getPrometheusName().equals(name)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
          if (revision.equals(p.getLabels().get("revision"))) {
            return p.getValue();
          }
        }
      }
    }
    return null;
  }

  /** The count of an unlabelled histogram. */
  public static long histogramCount(PrometheusRegistry registry, String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s instanceof HistogramSnapshot h && s.getMetadata().getPrometheusName().equals(name)) {
        return h.getDataPoints().get(0).getCount();
      }
    }
    return -1;
  }

  @Test
  void revisionSeriesFromTheirDataPoints_removedOnForget() {
    AutoscalerMetrics m = new AutoscalerMetrics();
    AutoscalerMetrics.Revision a = m.revision(A);
    assertThat(m.revision(A)).as("resolved once").isSameAs(a);
    a.decided(4, true);
    a.observed(12.5, 30, 7, 2);
    m.revision(B).decided(0, false);
    PrometheusRegistry r = m.registry();
    assertThat(gauge(r, "pilotlight_autoscaler_desired_instances", "default/a-00001"))
        .isEqualTo(4.0);
    assertThat(gauge(r, "pilotlight_autoscaler_panic", "default/a-00001")).isEqualTo(1.0);
    assertThat(gauge(r, "pilotlight_autoscaler_stable_average", "default/a-00001")).isEqualTo(12.5);
    assertThat(gauge(r, "pilotlight_autoscaler_panic_average", "default/a-00001")).isEqualTo(30.0);
    assertThat(gauge(r, "pilotlight_autoscaler_target_per_instance", "default/a-00001"))
        .isEqualTo(7.0);
    assertThat(gauge(r, "pilotlight_autoscaler_ready_instances", "default/a-00001")).isEqualTo(2.0);
    assertThat(gauge(r, "pilotlight_autoscaler_desired_instances", "team/b-00002")).isEqualTo(0.0);

    m.forget(A);
    assertThat(gauge(r, "pilotlight_autoscaler_desired_instances", "default/a-00001")).isNull();
    assertThat(gauge(r, "pilotlight_autoscaler_panic", "default/a-00001")).isNull();
    assertThat(gauge(r, "pilotlight_autoscaler_desired_instances", "team/b-00002")).isEqualTo(0.0);
  }

  @Test
  void tickDurationsInSeconds() {
    AutoscalerMetrics m = new AutoscalerMetrics();
    m.tickTook(2_000_000); // 2 ms
    m.tickTook(40_000_000);
    for (MetricSnapshot s : m.registry().scrape()) {
      if (s instanceof HistogramSnapshot h) {
        assertThat(s.getMetadata().getPrometheusName())
            .isEqualTo("pilotlight_autoscaler_tick_duration_seconds");
        assertThat(h.getDataPoints().get(0).getCount()).isEqualTo(2);
        assertThat(h.getDataPoints().get(0).getSum())
            .isCloseTo(0.042, org.assertj.core.data.Offset.offset(1e-9));
      }
    }
    assertThat(histogramCount(m.registry(), "pilotlight_autoscaler_tick_duration_seconds"))
        .isEqualTo(2);
  }

  @Test
  void intakeOutcomesEveryOnePresent() {
    AutoscalerMetrics m = new AutoscalerMetrics();
    m.attach(new IntakeMetrics());
    CounterSnapshot c = null;
    for (MetricSnapshot s : m.registry().scrape()) {
      if (s instanceof CounterSnapshot cs) {
        c = cs;
      }
    }
    assertThat(c).isNotNull();
    assertThat(c.getMetadata().getPrometheusName())
        .isEqualTo("pilotlight_autoscaler_intake_requests");
    assertThat(
            c.getDataPoints().stream().map(DataPointSnapshot::getLabels).map(l -> l.get("outcome")))
        .containsExactlyInAnyOrder(
            "accepted", "unauthorized", "malformed", "too_large", "duplicate");
    assertThat(c.getDataPoints()).allMatch(p -> p.getValue() == 0);
  }
}
