package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One exposition over several components' registries (local mode's admin port). */
class MetricsExpositionTest {
  static PrometheusRegistry with(String name, double value) {
    PrometheusRegistry r = new PrometheusRegistry();
    Gauge.builder().name(name).help(name).register(r).set(value);
    return r;
  }

  @Test
  void mergesRegistries() {
    MetricsExposition e =
        new MetricsExposition(
            List.of(with("a_one", 1), with("b_two", 2), new PrometheusRegistry()));
    String text = new String(e.scrape(null).body(), StandardCharsets.UTF_8);
    assertThat(text).contains("a_one 1.0", "b_two 2.0");
    assertThat(e.scrape(null).contentType()).startsWith("text/plain");
  }

  @Test
  void aNameInTwoRegistriesFailsTheScrape() {
    MetricsExposition e = new MetricsExposition(List.of(with("same", 1), with("same", 2)));
    assertThatThrownBy(() -> e.scrape(null)).isInstanceOf(IllegalArgumentException.class);
  }
}
