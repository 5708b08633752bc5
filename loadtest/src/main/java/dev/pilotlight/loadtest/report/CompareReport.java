package dev.pilotlight.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.loadtest.report.SvgChart.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Two or more runs side by side, from their {@code --json} results ({@link JsonReport}), as one
 * self-contained HTML file: their totals in one table, and their latency distributions, p99 per
 * second and ready instances overlaid (the pilot light on and off, two configurations, two
 * versions). Pure: the parsed results in, markup out.
 */
public final class CompareReport {
  /** Line colours, one per run, in order ({@link #MAX_RUNS}). */
  static final List<String> COLORS =
      List.of(
          "#1f6fb2", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#9e9e9e");

  /** Runs compared at most (one colour each). */
  public static final int MAX_RUNS = 8;

  /**
   * One run to compare.
   *
   * @param name how the report calls it (its file name, say)
   * @param result its {@code --json} document
   */
  public record Compared(String name, JsonNode result) {}

  private CompareReport() {}

  public static String render(List<Compared> runs) {
    if (runs.size() < 2 || runs.size() > MAX_RUNS) {
      throw new IllegalArgumentException(
          runs.size() + " runs (expected: 2 to " + MAX_RUNS + " --json results)");
    }
    StringBuilder sb = new StringBuilder(64 * 1024);
    String title = "Pilotlight load tests compared";
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n<title>")
        .append(title)
        .append("</title>\n<style>\n")
        .append(HtmlReport.CSS)
        .append("</style></head>\n<body>\n<h1>")
        .append(title)
        .append("</h1>\n");
    table(sb, runs);
    long count = 0;
    List<Series> curves = new ArrayList<>();
    List<Series> p99 = new ArrayList<>();
    List<Series> ready = new ArrayList<>();
    double end = 1;
    for (int i = 0; i < runs.size(); i++) {
      JsonNode r = runs.get(i).result();
      String name = runs.get(i).name();
      String color = COLORS.get(i);
      count = Math.max(count, r.path("requests").asLong());
      curves.add(
          new Series(
              name,
              color,
              points(r.path("latency_distribution"), "percentile", "ms"),
              false,
              false));
      List<double[]> perSecond = new ArrayList<>();
      for (JsonNode iv : r.path("intervals")) {
        if (iv.path("responses").asLong() > 0) {
          perSecond.add(new double[] {iv.path("t").asDouble(), iv.path("p99_ms").asDouble()});
        }
      }
      p99.add(new Series(name, color, perSecond, false, false));
      ready.add(new Series(name, color, points(r.path("replicas"), "t", "ready"), true, false));
      end = Math.max(end, r.path("load_end_s").asDouble());
      for (JsonNode s : r.path("replicas")) {
        end = Math.max(end, s.path("t").asDouble());
      }
    }
    if (curves.stream().anyMatch(s -> !s.points().isEmpty())) {
      sb.append("<h2>Latency distribution</h2>\n");
      sb.append(HtmlReport.distributionChart(curves, count));
    }
    sb.append("<h2>Over time</h2>\n");
    SvgChart overTime = new SvgChart("Latency p99 per second (log scale)", "ms", end, true);
    p99.forEach(overTime::add);
    sb.append(overTime.render());
    if (ready.stream().anyMatch(s -> !s.points().isEmpty())) {
      SvgChart replicas = new SvgChart("Ready instances", "instances", end, false);
      ready.forEach(replicas::add);
      sb.append(replicas.render());
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void table(StringBuilder sb, List<Compared> runs) {
    sb.append("<h2>Summary</h2>\n<table>\n<tr><th></th>");
    for (Compared c : runs) {
      sb.append("<th>").append(Html.escape(c.name())).append("</th>");
    }
    sb.append("</tr>\n");
    row(sb, runs, "load", r -> Html.escape(r.path("load").asText()));
    row(sb, runs, "scenario", r -> Html.escape(r.path("scenario").path("name").asText()));
    row(sb, runs, "requests", r -> Long.toString(r.path("requests").asLong()));
    row(sb, runs, "errors", r -> Long.toString(r.path("errors").asLong()));
    row(sb, runs, "throughput (responses/s)", r -> fmt(r.path("throughput_rps").asDouble(), 1));
    for (String p : List.of("p50", "p90", "p99", "max")) {
      row(sb, runs, "latency " + p + " (ms)", r -> fmt(r.path("latency_ms").path(p).asDouble(), 3));
    }
    for (String p : List.of("p50", "p99")) {
      row(
          sb,
          runs,
          "time to first byte " + p + " (ms)",
          r -> fmt(r.path("ttfb_ms").path(p).asDouble(), 3));
    }
    sb.append("</table>\n");
  }

  private static void row(
      StringBuilder sb, List<Compared> runs, String label, Function<JsonNode, String> cell) {
    sb.append("<tr><td>").append(Html.escape(label)).append("</td>");
    for (Compared c : runs) {
      sb.append("<td class=\"num\">").append(cell.apply(c.result())).append("</td>");
    }
    sb.append("</tr>\n");
  }

  private static List<double[]> points(JsonNode array, String x, String y) {
    List<double[]> out = new ArrayList<>();
    for (JsonNode e : array) {
      out.add(new double[] {e.path(x).asDouble(), e.path(y).asDouble()});
    }
    return out;
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
