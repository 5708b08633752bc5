package dev.pilotlight.loadtest.report;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.record.LatencyRecorder.Interval;
import dev.pilotlight.loadtest.report.Summary.Percentiles;
import dev.pilotlight.loadtest.report.SvgChart.Series;
import dev.pilotlight.loadtest.scenario.Timeline.ScaleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as one self-contained HTML file (no scripts, no external resources): the summary, the
 * scenario's results, and three charts on one time axis (request rate, latency percentiles per
 * second, replicas) with scale events marked on each. Pure: a {@link RunResult} in, markup out.
 */
public final class HtmlReport {
  /** The reports' style sheet, shared with other reports in the same style. */
  public static final String CSS =
      """
      body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
      h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 8px}
      .sub{color:#666;margin:0 0 16px}
      table{border-collapse:collapse;margin:0 0 8px} td,th{padding:3px 12px 3px 0;text-align:left}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      th{font-weight:600;border-bottom:1px solid #ccc}
      svg{display:block;margin:8px 0 16px}
      svg .plot{fill:#fafafa;stroke:#ccc} svg .grid{stroke:#e4e4e4}
      svg .tick,svg .legend,svg .axis{font:11px system-ui,sans-serif;fill:#555}
      svg .title{font:600 13px system-ui,sans-serif;fill:#222}
      svg .series{stroke-width:1.6} svg .event{stroke:#b36b00;stroke-dasharray:2 3;stroke-width:1}
      """;

  private HtmlReport() {}

  public static String render(RunResult r) {
    StringBuilder sb = new StringBuilder(64 * 1024);
    String title = "Pilotlight load test: " + r.target();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n<title>")
        .append(Html.escape(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style></head>\n<body>\n<h1>")
        .append(Html.escape(title))
        .append("</h1>\n<p class=\"sub\">")
        .append(Html.escape(r.startedAt().toString()))
        .append(" · ")
        .append(Html.escape(r.load()))
        .append(" · scenario ")
        .append(Html.escape(r.scenario()))
        .append(r.observed() == null ? "" : " · observing " + Html.escape(r.observed()))
        .append("</p>\n");
    summary(sb, r);
    if (!r.metrics().isEmpty()) {
      sb.append("<h2>Scenario: ").append(Html.escape(r.scenario())).append("</h2>\n<table>\n");
      for (Metric m : r.metrics()) {
        row(sb, m.label(), m.display());
      }
      sb.append("</table>\n");
    }
    charts(sb, r);
    if (!r.events().isEmpty()) {
      sb.append("<h2>Scale events</h2>\n<table>\n<tr><th>time (s)</th><th>event</th></tr>\n");
      for (ScaleEvent e : r.events()) {
        row(sb, fmt(e.t()), e.what());
      }
      sb.append("</table>\n");
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void summary(StringBuilder sb, RunResult r) {
    Summary s = r.summary();
    sb.append("<h2>Summary</h2>\n<table>\n");
    row(sb, "requests", Long.toString(s.requests()));
    row(sb, "errors", Long.toString(s.errors()));
    for (Map.Entry<String, Long> e : s.errorKinds().entrySet()) {
      row(sb, "  " + e.getKey(), Long.toString(e.getValue()));
    }
    row(sb, "throughput", String.format(Locale.ROOT, "%.1f responses/s", s.throughputRps()));
    row(sb, "load", fmt(r.loadStart()) + " s to " + fmt(r.loadEnd()) + " s");
    sb.append(
        "</table>\n<table>\n<tr><th></th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n");
    percentiles(sb, "latency (ms, from intended send)", s.latencyMs());
    percentiles(sb, "time to first byte (ms)", s.firstByteMs());
    sb.append("</table>\n");
    if (!r.phases().isEmpty()) {
      sb.append(
          "<h2>Phases</h2>\n<table>\n<tr><th>phase</th><th>from (s)</th><th>length (s)</th>"
              + "<th>rate asked (/s)</th><th>responses</th><th>throughput (/s)</th>"
              + "<th>p50 (ms)</th><th>p99 (ms)</th></tr>\n");
      for (PhaseResult p : r.phases()) {
        sb.append("<tr><td>")
            .append(p.index())
            .append("</td>")
            .append(num(p.startS(), 1))
            .append(num(p.durationS(), 1))
            .append(num(p.rate(), 1))
            .append(num(p.responses(), 0))
            .append(num(p.throughputRps(), 1))
            .append(p.responses() == 0 ? "<td></td><td></td>" : num(p.p50Ms()) + num(p.p99Ms()))
            .append("</tr>\n");
      }
      sb.append("</table>\n");
    }
    if (r.observeFailures() > 0) {
      sb.append("<p>")
          .append(r.observeFailures())
          .append(" replica samples could not be read; the replica chart has gaps.</p>\n");
    }
  }

  private static void charts(StringBuilder sb, RunResult r) {
    double end = r.loadEnd();
    for (ReplicaSample s : r.replicas()) {
      end = Math.max(end, s.t());
    }
    List<double[]> rate = new ArrayList<>();
    List<double[]> errors = new ArrayList<>();
    List<double[]> p50 = new ArrayList<>();
    List<double[]> p90 = new ArrayList<>();
    List<double[]> p99 = new ArrayList<>();
    for (Interval i : r.intervals()) {
      rate.add(new double[] {i.second(), i.responses()});
      errors.add(new double[] {i.second(), i.errors()});
      if (i.responses() > 0) {
        p50.add(new double[] {i.second(), i.p50()});
        p90.add(new double[] {i.second(), i.p90()});
        p99.add(new double[] {i.second(), i.p99()});
      }
    }
    sb.append("<h2>Over time</h2>\n");
    if (!r.intervals().isEmpty()) {
      sb.append(
          new SvgChart("Request rate", "per second", end, false)
              .add(new Series("responses/s", "#1f6fb2", rate, false, false))
              .add(new Series("errors/s", "#c62828", errors, false, false))
              .events(r.events())
              .render());
      sb.append(
          new SvgChart("Latency per second (log scale)", "ms", end, true)
              .add(new Series("p50", "#2e7d32", p50, false, false))
              .add(new Series("p90", "#f9a825", p90, false, false))
              .add(new Series("p99", "#c62828", p99, false, false))
              .events(r.events())
              .render());
    }
    if (!r.replicas().isEmpty()) {
      List<double[]> desired = new ArrayList<>();
      List<double[]> ready = new ArrayList<>();
      List<double[]> reserve = new ArrayList<>();
      for (ReplicaSample s : r.replicas()) {
        desired.add(new double[] {s.t(), s.desired()});
        ready.add(new double[] {s.t(), s.ready()});
        reserve.add(new double[] {s.t(), s.reserve()});
      }
      SvgChart chart =
          new SvgChart("Replicas", "instances", end, false)
              .add(new Series("desired", "#6a1b9a", desired, true, true))
              .add(new Series("ready", "#1f6fb2", ready, true, false))
              .add(new Series("reserve (pilot light)", "#ef6c00", reserve, true, false))
              .events(r.events());
      if (!r.compareReplicas().isEmpty()) {
        List<double[]> otherReady = new ArrayList<>();
        for (ReplicaSample s : r.compareReplicas()) {
          otherReady.add(new double[] {s.t(), s.ready()});
        }
        chart.add(new Series("ready, compared", "#9e9e9e", otherReady, true, false));
      }
      sb.append(chart.render());
    }
    if (r.latency() != null && r.latency().getTotalCount() > 0) {
      sb.append("<h2>Latency distribution</h2>\n");
      sb.append(
          distributionChart(
              List.of(
                  new Series(
                      "latency", "#1f6fb2", LatencyDistribution.of(r.latency()), false, false)),
              r.latency().getTotalCount()));
    }
  }

  /**
   * Latency by percentile, log scale, HdrHistogram's picture of a distribution: one curve per run,
   * out to the nines {@code count} requests can show.
   */
  static String distributionChart(List<Series> curves, long count) {
    SvgChart chart =
        new SvgChart(
            "Latency by percentile (log scale)",
            "ms",
            new SvgChart.PercentileAxis(LatencyDistribution.nines(count)),
            true);
    curves.forEach(chart::add);
    return chart.render();
  }

  private static void percentiles(StringBuilder sb, String label, Percentiles p) {
    sb.append("<tr><td>")
        .append(Html.escape(label))
        .append("</td>")
        .append(num(p.p50()))
        .append(num(p.p90()))
        .append(num(p.p99()))
        .append(num(p.max()))
        .append("</tr>\n");
  }

  private static String num(double v) {
    return num(v, 3);
  }

  private static String num(double v, int decimals) {
    return "<td class=\"num\">" + String.format(Locale.ROOT, "%." + decimals + "f", v) + "</td>";
  }

  private static void row(StringBuilder sb, String label, String value) {
    sb.append("<tr><td>")
        .append(Html.escape(label))
        .append("</td><td class=\"num\">")
        .append(Html.escape(value))
        .append("</td></tr>\n");
  }

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.1f", seconds);
  }
}
