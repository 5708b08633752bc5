package dev.pilotlight.activator;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A {@code /metrics} scrape: collects a registry and writes it in the format the scraper's {@code
 * Accept} header asks for, OpenMetrics text when it names {@code application/openmetrics-text},
 * else the Prometheus text format (0.0.4), which is also the answer to a protobuf request (the
 * protobuf writer is not on the class path). Transport-free, so any HTTP server can serve it and
 * tests can call it directly. Thread-safe.
 */
public final class MetricsExposition {
  /** A scrape's answer: its {@code Content-Type} and body. */
  public record Scrape(String contentType, byte[] body) {}

  private final List<PrometheusRegistry> registries;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsExposition(PrometheusRegistry registry) {
    this.registries = List.of(registry);
  }

  /**
   * One exposition of several components' registries (local mode's admin port: the gateway's, the
   * autoscaler's, the controller's). A series name in two of them fails the scrape.
   */
  public MetricsExposition(List<PrometheusRegistry> registries) {
    this.registries = List.copyOf(registries);
  }

  /** Every registry's snapshots, merged. */
  public MetricSnapshots collect() {
    if (registries.size() == 1) {
      return registries.get(0).scrape();
    }
    MetricSnapshots.Builder all = MetricSnapshots.builder();
    for (PrometheusRegistry r : registries) {
      for (MetricSnapshot s : r.scrape()) {
        all.metricSnapshot(s);
      }
    }
    return all.build();
  }

  /**
   * @param accept the request's {@code Accept} header, or null
   */
  public Scrape scrape(String accept) {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    if (!writer.isAvailable()) {
      writer = formats.getPrometheusTextFormatWriter();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, collect(), EscapingScheme.fromAcceptHeader(accept));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }
}
