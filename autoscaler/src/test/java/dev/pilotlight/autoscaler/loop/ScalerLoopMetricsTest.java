package dev.pilotlight.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.autoscaler.metrics.AutoscalerMetricsTest;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loop's decisions as series, on manual time. */
class ScalerLoopMetricsTest {
  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final ScalingSpec SPEC =
      ScalingSpecs.resolve(
          Map.of(AutoscalingAnnotations.TARGET, "10", AutoscalingAnnotations.WINDOW, "6s"),
          0,
          AutoscalerConfig.DEFAULTS);

  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final ScalerLoop loop = new ScalerLoop(scheduler, ticker, Duration.ofSeconds(2), d -> {});

  Double gauge(String name) {
    PrometheusRegistry r = loop.metrics().registry();
    return AutoscalerMetricsTest.gauge(r, "pilotlight_autoscaler_" + name, REV.toString());
  }

  @Test
  void decisionsAveragesAndTargetPerRevision_goneWhenRemoved() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    assertThat(gauge("desired_instances")).isEqualTo(1.0);
    assertThat(gauge("panic")).isEqualTo(0.0);
    for (int i = 0; i < 6; i++) {
      loop.report(List.of(new StatRecord(REV, 21, 40)));
      scheduler.advance(1, TimeUnit.SECONDS);
    }
    assertThat(gauge("desired_instances")).isEqualTo(3.0);
    assertThat(gauge("panic")).isIn(0.0, 1.0);
    assertThat(gauge("stable_average")).isGreaterThan(0.0);
    assertThat(gauge("panic_average")).isNotNull(); // its 1 s window may hold only the zero second
    assertThat(gauge("target_per_instance")).isEqualTo(7.0);
    assertThat(gauge("ready_instances")).isEqualTo(1.0);
    assertThat(
            AutoscalerMetricsTest.histogramCount(
                loop.metrics().registry(), "pilotlight_autoscaler_tick_duration_seconds"))
        .isEqualTo(3);

    loop.remove(REV);
    assertThat(gauge("desired_instances")).isNull();
    assertThat(gauge("stable_average")).isNull();
  }
}
