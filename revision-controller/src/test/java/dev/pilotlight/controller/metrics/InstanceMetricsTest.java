package dev.pilotlight.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InstanceMetricsTest {
  static final RevisionKey A = new RevisionKey("default", "a-00001");
  static final RevisionKey B = new RevisionKey("default", "b-00001");

  final AtomicReference<List<InstanceCounts>> now = new AtomicReference<>(List.of());
  final InstanceMetrics metrics = new InstanceMetrics(now::get);

  Map<String, Double> scrape() {
    Map<String, Double> out = new HashMap<>();
    for (MetricSnapshot s : metrics.registry().scrape()) {
      String name = s.getMetadata().getPrometheusName();
      if (s instanceof CounterSnapshot c) {
        c.getDataPoints()
            .forEach(p -> out.put(name + "/" + p.getLabels().get("revision"), p.getValue()));
      } else if (s instanceof GaugeSnapshot g) {
        g.getDataPoints()
            .forEach(p -> out.put(name + "/" + p.getLabels().get("revision"), p.getValue()));
      }
    }
    return out;
  }

  @Test
  void perRevisionCounts_aRevisionGoneLeavesTheExposition() {
    now.set(List.of(new InstanceCounts(A, 2, 1, 3, 1, 4), new InstanceCounts(B, 0, 0, 0, 0, 0)));
    assertThat(scrape())
        .containsEntry("pilotlight_instances_starting/default/a-00001", 2.0)
        .containsEntry("pilotlight_instances_ready/default/a-00001", 1.0)
        .containsEntry("pilotlight_instances_pending/default/a-00001", 3.0)
        .containsEntry("pilotlight_instances_reserve/default/a-00001", 1.0)
        .containsEntry("pilotlight_instances_restarts/default/a-00001", 4.0)
        .containsEntry("pilotlight_instances_ready/default/b-00001", 0.0);
    now.set(List.of(new InstanceCounts(B, 0, 1, 0, 0, 0)));
    Map<String, Double> after = scrape();
    assertThat(after.keySet()).noneMatch(k -> k.endsWith("/default/a-00001"));
    assertThat(after).containsEntry("pilotlight_instances_ready/default/b-00001", 1.0);
  }
}
