package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.testkit.ManualTicker;
import dev.pilotlight.testkit.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The metrics as a scraper sees them: recorded with manual time, scraped to text, parsed. */
class GatewayMetricsTest {
  static final RevisionKey A = new RevisionKey("default", "a-00001");
  static final RevisionKey B = new RevisionKey("shop", "b-00002");
  static final String P = GatewayMetrics.PREFIX;

  final ManualTicker ticker = new ManualTicker();
  final Map<RevisionKey, Integer> queued = new ConcurrentHashMap<>();
  final GatewayMetrics metrics = new GatewayMetrics(sink -> queued.forEach(sink::accept));
  final MetricsExposition exposition = new MetricsExposition(metrics.registry());

  PrometheusText scrape() {
    MetricsExposition.Scrape s = exposition.scrape(null);
    return PrometheusText.parse(new String(s.body(), StandardCharsets.UTF_8));
  }

  static OptionalDouble requests(
      PrometheusText t, String revision, String status, String instanceClass) {
    return t.value(
        P + "requests_total",
        "revision",
        revision,
        "status",
        status,
        "instance_class",
        instanceClass);
  }

  /** Records one request of {@code millis} through {@code r}, as an exchange does. */
  void request(
      GatewayMetrics.Revision r, long millis, int status, InstanceClass c, long heldMillis) {
    long start = ticker.nanoTime();
    r.started();
    ticker.advanceMillis(millis);
    r.finished(ticker.nanoTime() - start, status, c, heldMillis < 0 ? -1 : heldMillis * 1_000_000L);
  }

  @Test
  void countsRequestsByRevisionStatusAndInstanceClass() {
    GatewayMetrics.Revision a = metrics.revision(A);
    request(a, 2, 200, InstanceClass.STANDARD, -1);
    request(a, 2, 200, InstanceClass.STANDARD, -1);
    request(a, 2, 200, InstanceClass.RESERVE, -1);
    request(a, 2, 504, InstanceClass.STANDARD, -1);
    request(a, 2, 503, null, 10); // held, then the hold deadline: no instance involved
    request(metrics.revision(B), 2, 404, InstanceClass.STANDARD, -1); // the app's own 404
    metrics.refused(ProxyError.UNKNOWN_HOST);
    metrics.refused(ProxyError.HEADERS_TOO_LARGE);

    PrometheusText t = scrape();
    assertThat(requests(t, "default/a-00001", "200", "standard")).hasValue(2);
    assertThat(requests(t, "default/a-00001", "200", "reserve")).hasValue(1);
    assertThat(requests(t, "default/a-00001", "504", "standard")).hasValue(1);
    assertThat(requests(t, "default/a-00001", "503", "none")).hasValue(1);
    assertThat(requests(t, "shop/b-00002", "404", "standard")).hasValue(1);
    assertThat(requests(t, "", "404", "none")).hasValue(1);
    assertThat(requests(t, "", "431", "none")).hasValue(1);
    assertThat(t.series(P + "requests_total")).hasSize(7);
    // refused requests are counted, not timed: no empty histogram for them
    assertThat(t.value(P + "request_duration_seconds_count", "revision", "")).isEmpty();
    assertThat(t.value(P + "held_seconds_count", "revision", "")).isEmpty();
  }

  @Test
  void aClientGoneBeforeAnyResponseIs499AndAStatusOutsideTheRangeIsOther() {
    GatewayMetrics.Revision a = metrics.revision(A);
    request(a, 1, 0, null, 5);
    request(a, 1, 1234, InstanceClass.STANDARD, -1);
    request(a, 1, 42, InstanceClass.STANDARD, -1);
    PrometheusText t = scrape();
    assertThat(requests(t, "default/a-00001", "499", "none")).hasValue(1);
    assertThat(requests(t, "default/a-00001", "other", "standard")).hasValue(2);
  }

  @Test
  void durationHistogramInSecondsAndHeldOnlyForHeldRequests() {
    GatewayMetrics.Revision a = metrics.revision(A);
    request(a, 3, 200, InstanceClass.STANDARD, -1); // never held
    request(a, 2_000, 200, InstanceClass.RESERVE, 1_900); // a cold start
    request(a, 400, 503, null, 400); // held until the deadline
    PrometheusText t = scrape();
    String d = P + "request_duration_seconds";
    String rev = "default/a-00001";
    assertThat(t.value(d + "_count", "revision", rev)).hasValue(3);
    assertThat(t.value(d + "_sum", "revision", rev).orElseThrow()).isCloseTo(2.403, within());
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "0.001")).hasValue(0);
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "0.005")).hasValue(1);
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "0.5")).hasValue(2);
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "2.5")).hasValue(3);
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "300.0")).hasValue(3);
    assertThat(t.value(d + "_bucket", "revision", rev, "le", "+Inf")).hasValue(3);

    String h = P + "held_seconds";
    assertThat(t.value(h + "_count", "revision", rev)).hasValue(2);
    assertThat(t.value(h + "_sum", "revision", rev).orElseThrow()).isCloseTo(2.3, within());
    assertThat(t.value(h + "_bucket", "revision", rev, "le", "0.25")).hasValue(0);
    assertThat(t.value(h + "_bucket", "revision", rev, "le", "0.5")).hasValue(1);
    assertThat(t.value(h + "_bucket", "revision", rev, "le", "2.5")).hasValue(2);
  }

  @Test
  void inFlightAndQueueDepthAreReadAtScrapeTime() {
    GatewayMetrics.Revision a = metrics.revision(A);
    GatewayMetrics.Revision b = metrics.revision(B);
    a.started();
    a.started();
    b.started();
    queued.put(A, 1);
    PrometheusText t = scrape();
    assertThat(t.value(P + "in_flight", "revision", "default/a-00001")).hasValue(2);
    assertThat(t.value(P + "in_flight", "revision", "shop/b-00002")).hasValue(1);
    assertThat(t.value(P + "queue_depth", "revision", "default/a-00001")).hasValue(1);
    assertThat(metrics.inFlight()).isEqualTo(3);

    a.finished(1, 200, InstanceClass.STANDARD, -1);
    queued.put(A, 0);
    t = scrape();
    assertThat(t.value(P + "in_flight", "revision", "default/a-00001")).hasValue(1);
    assertThat(t.value(P + "queue_depth", "revision", "default/a-00001")).hasValue(0);
    assertThat(metrics.inFlight()).isEqualTo(2);
  }

  @Test
  void everyErrorReasonIsExposedFromZeroAndAbortsAreCounted() {
    PrometheusText before = scrape();
    for (ProxyError e : ProxyError.values()) {
      assertThat(before.value(P + "errors_total", "reason", GatewayMetrics.reason(e)))
          .as(e.name())
          .hasValue(0);
    }
    metrics.error(ProxyError.QUEUE_FULL);
    metrics.error(ProxyError.QUEUE_FULL);
    metrics.refused(ProxyError.URI_TOO_LONG);
    metrics.aborted();
    PrometheusText t = scrape();
    assertThat(t.value(P + "errors_total", "reason", "queue_full")).hasValue(2);
    assertThat(t.value(P + "errors_total", "reason", "uri_too_long")).hasValue(1);
    assertThat(t.value(P + "errors_total", "reason", "hold_timeout")).hasValue(0);
    assertThat(t.value(P + "aborted_total")).hasValue(1);
    GatewayMetrics.Snapshot s = metrics.snapshot();
    assertThat(s.errors()).containsEntry(ProxyError.QUEUE_FULL, 2L);
    assertThat(s.aborted()).isEqualTo(1);
  }

  @Test
  void aForgottenRevisionLeavesTheExpositionAndItsStragglersStayOut() {
    GatewayMetrics.Revision a = metrics.revision(A);
    request(a, 1, 200, InstanceClass.STANDARD, 0);
    a.started(); // still running when the revision is removed
    request(metrics.revision(B), 1, 200, InstanceClass.STANDARD, -1);
    assertThat(scrape().anyLabelled("revision", "default/a-00001")).isTrue();

    metrics.forget(A);
    // the straggler ends with a status never seen before: no series comes back
    a.finished(1_000_000, 502, InstanceClass.STANDARD, -1);
    PrometheusText t = scrape();
    assertThat(t.anyLabelled("revision", "default/a-00001")).isFalse();
    assertThat(requests(t, "shop/b-00002", "200", "standard")).hasValue(1);
    assertThat(metrics.inFlight()).isZero();

    // the same revision published again starts afresh
    request(metrics.revision(A), 1, 200, InstanceClass.RESERVE, -1);
    t = scrape();
    assertThat(requests(t, "default/a-00001", "200", "reserve")).hasValue(1);
    assertThat(requests(t, "default/a-00001", "200", "standard")).isEmpty();
    assertThat(t.value(P + "in_flight", "revision", "default/a-00001")).hasValue(0);
  }

  @Test
  void gatewaysInOneJvmKeepSeparateRegistries() {
    GatewayMetrics other = new GatewayMetrics();
    request(metrics.revision(A), 1, 200, InstanceClass.STANDARD, -1);
    PrometheusText t =
        PrometheusText.parse(
            new String(
                new MetricsExposition(other.registry()).scrape(null).body(),
                StandardCharsets.UTF_8));
    assertThat(requests(t, "default/a-00001", "200", "standard")).isEmpty();
    assertThat(requests(scrape(), "default/a-00001", "200", "standard")).hasValue(1);
  }

  @Test
  void openMetricsWhenTheScraperAsksElsePrometheusText() {
    request(metrics.revision(A), 1, 200, InstanceClass.STANDARD, -1);
    MetricsExposition.Scrape text = exposition.scrape(null);
    assertThat(text.contentType()).startsWith("text/plain").contains("version=0.0.4");

    // what a Prometheus server sends
    MetricsExposition.Scrape om =
        exposition.scrape(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(om.contentType()).startsWith("application/openmetrics-text");
    String body = new String(om.body(), StandardCharsets.UTF_8);
    assertThat(body).endsWith("# EOF\n");
    assertThat(requests(PrometheusText.parse(body), "default/a-00001", "200", "standard"))
        .hasValue(1);

    // protobuf is not on the class path: the answer is text
    MetricsExposition.Scrape proto =
        exposition.scrape(
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                + "encoding=delimited");
    assertThat(proto.contentType()).startsWith("text/plain");
  }

  static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
