package dev.pilotlight.activator;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  public MetricsExposition(PrometheusRegistry registry) {
    this.registry = registry;
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
      writer.write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }
}
