package dev.pilotlight.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.ManualTicker;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControllerMetricsTest {
  final ManualTicker ticker = new ManualTicker();
  final ControllerMetrics metrics = new ControllerMetrics(ticker);

  /** name{labels joined by ,} to value; histograms as count and sum. */
  Map<String, Double> scrape() {
    Map<String, Double> out = new HashMap<>();
    for (MetricSnapshot s : metrics.registry().scrape()) {
      String name = s.getMetadata().getPrometheusName();
      if (s instanceof CounterSnapshot c) {
        c.getDataPoints().forEach(p -> out.put(name + labels(p.getLabels()), p.getValue()));
      } else if (s instanceof GaugeSnapshot g) {
        g.getDataPoints().forEach(p -> out.put(name + labels(p.getLabels()), p.getValue()));
      } else if (s instanceof HistogramSnapshot h) {
        h.getDataPoints()
            .forEach(
                p -> {
                  out.put(name + "_count" + labels(p.getLabels()), (double) p.getCount());
                  out.put(name + "_sum" + labels(p.getLabels()), p.getSum());
                });
      }
    }
    return out;
  }

  static String labels(Labels labels) {
    StringBuilder b = new StringBuilder("{");
    for (Label l : labels) {
      b.append(b.length() > 1 ? "," : "")
          .append(l.getName())
          .append("=\"")
          .append(l.getValue())
          .append('"');
    }
    return b.append('}').toString();
  }

  @Test
  void reconcilesByKindAndResult_durationOnManualTime_queueDepthAtScrape() {
    AtomicInteger depth = new AtomicInteger(3);
    ControllerMetrics.Kind service = metrics.kind("Service", depth::get);
    metrics.kind("Route", () -> 0);

    long t = service.start();
    ticker.advanceMillis(250);
    service.finished(t, ControllerMetrics.Result.SUCCESS);
    t = service.start();
    ticker.advanceMillis(50);
    service.finished(t, ControllerMetrics.Result.CONFLICT);
    service.retried();

    Map<String, Double> s = scrape();
    assertThat(s)
        .containsEntry("pilotlight_controller_reconciles{kind=\"Service\",result=\"success\"}", 1.0)
        .containsEntry(
            "pilotlight_controller_reconciles{kind=\"Service\",result=\"conflict\"}", 1.0)
        .containsEntry("pilotlight_controller_reconciles{kind=\"Service\",result=\"error\"}", 0.0)
        .containsEntry("pilotlight_controller_reconciles{kind=\"Route\",result=\"requeue\"}", 0.0)
        .containsEntry("pilotlight_controller_retries{kind=\"Service\"}", 1.0)
        .containsEntry(
            "pilotlight_controller_reconcile_duration_seconds_count{kind=\"Service\"}", 2.0)
        .containsEntry("pilotlight_controller_queue_depth{kind=\"Service\"}", 3.0);
    assertThat(s.get("pilotlight_controller_reconcile_duration_seconds_sum{kind=\"Service\"}"))
        .isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    depth.set(0);
    assertThat(scrape()).containsEntry("pilotlight_controller_queue_depth{kind=\"Service\"}", 0.0);
  }
}
