package dev.pilotlight.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.record.LatencyRecorder.Interval;
import dev.pilotlight.loadtest.scenario.Timeline;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
  static RunResult result(String target) {
    LatencyRecorder recorder = new LatencyRecorder();
    List<Interval> intervals = new ArrayList<>();
    for (int s = 1; s <= 10; s++) {
      intervals.add(new Interval(2 + s, 100, s == 3 ? 5 : 0, 2, 5, s == 1 ? 900 : 9, 950));
      recorder.success(2_000_000);
    }
    recorder.interval(1);
    List<ReplicaSample> replicas = new ArrayList<>();
    int[] desired = {0, 0, 1, 3, 3, 3, 3, 3, 2, 1, 1, 0, 0, 0, 0, 0};
    for (int i = 0; i < desired.length; i++) {
      replicas.add(new ReplicaSample(i, desired[i], i == 3 ? 1 : desired[i], 0));
    }
    return new RunResult(
        target,
        "scale-to-zero",
        "open loop 10s@100",
        Instant.parse("2026-11-23T09:00:00Z"),
        2,
        12.1,
        Summary.of(recorder, 10),
        intervals,
        "admin endpoint 127.0.0.1:9090, \"hello\"",
        replicas,
        Timeline.events(replicas),
        0,
        List.of(
            Metric.of("time_to_zero_s", "time from the last response to zero", 0.9, "s"),
            new Metric("time_to_pilot_light_only_s", "to the pilot light only", null, "s")),
        recorder.total(),
        null,
        List.of(),
        List.of(new PhaseResult(1, 2, 10, 100, 1000, 100, 12.5, 40.25)));
  }

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theReportIsWellFormedWithThreeChartsOnOneTimeAxisThenTheDistribution() throws Exception {
    Document doc = parse(HtmlReport.render(result("http://127.0.0.1:8080/ (Host: hello)")));
    NodeList svgs = doc.getElementsByTagName("svg");
    assertThat(svgs.getLength()).isEqualTo(4);
    for (int i = 0; i < svgs.getLength(); i++) {
      assertThat(((Element) svgs.item(i)).getAttribute("width")).isEqualTo("960");
    }
    NodeList lines = doc.getElementsByTagName("polyline");
    // rate: responses and errors; latency: p50, p90, p99; replicas: desired, ready, reserve;
    // the latency distribution
    assertThat(lines.getLength()).isEqualTo(9);
    assertThat(((Element) svgs.item(3)).getAttribute("aria-label"))
        .isEqualTo("Latency by percentile (log scale)");
    String ready = ((Element) lines.item(6)).getAttribute("points");
    // a step line: two points per sample after the first
    assertThat(ready.split(" ")).hasSize(2 * 16 - 1);
    assertThat(HtmlReport.render(result("x")))
        .contains("time from the last response to zero")
        .contains("0.900 s")
        .contains("not reached")
        .contains("scale up 1 → 3");
  }

  @Test
  void everyScaleEventIsMarkedOnEveryChart() throws Exception {
    RunResult r = result("x");
    Document doc = parse(HtmlReport.render(r));
    int markers = 0;
    NodeList lines = doc.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      if ("event".equals(((Element) lines.item(i)).getAttribute("class"))) {
        markers++;
      }
    }
    assertThat(r.events()).hasSize(5);
    assertThat(markers).isEqualTo(3 * r.events().size());
  }

  @Test
  void eachPhaseHasARowWithItsOwnThroughputAndLatency() throws Exception {
    String html = HtmlReport.render(result("x"));
    parse(html);
    assertThat(html)
        .contains("<h2>Phases</h2>")
        .contains(
            "<tr><td>1</td><td class=\"num\">2.0</td><td class=\"num\">10.0</td>"
                + "<td class=\"num\">100.0</td><td class=\"num\">1000</td>"
                + "<td class=\"num\">100.0</td><td class=\"num\">12.500</td>"
                + "<td class=\"num\">40.250</td></tr>");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> phases =
        (List<Map<String, Object>>) JsonReport.of(result("x")).get("phases");
    assertThat(phases.get(0))
        .containsEntry("phase", 1)
        .containsEntry("rate", 100.0)
        .containsEntry("responses", 1000L)
        .containsEntry("throughput_rps", 100.0);
  }

  @Test
  void userTextIsEscaped() throws Exception {
    String html = HtmlReport.render(result("http://h/<script>alert(1)</script>&\"'"));
    assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;");
    parse(html);
  }

  @Test
  void theJsonHasTheDocumentedKeys() {
    Map<String, Object> json = JsonReport.of(result("x"));
    assertThat(json)
        .containsKeys(
            "requests",
            "errors",
            "throughput_rps",
            "latency_ms",
            "ttfb_ms",
            "replicas",
            "scale_events",
            "scenario",
            "intervals",
            "latency_distribution");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> replicas = (List<Map<String, Object>>) json.get("replicas");
    assertThat(replicas.get(3))
        .containsEntry("t", 3.0)
        .containsEntry("desired", 3)
        .containsEntry("ready", 1)
        .containsEntry("reserve", 0);
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) json.get("latency_ms");
    assertThat(latency).containsOnlyKeys("p50", "p90", "p99", "max");
  }
}
