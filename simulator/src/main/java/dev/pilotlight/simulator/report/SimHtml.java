package dev.pilotlight.simulator.report;

import dev.pilotlight.loadtest.report.Html;
import dev.pilotlight.loadtest.report.HtmlReport;
import dev.pilotlight.loadtest.report.SvgChart;
import dev.pilotlight.loadtest.report.SvgChart.CategoryAxis;
import dev.pilotlight.loadtest.report.SvgChart.Mark;
import dev.pilotlight.loadtest.report.SvgChart.Series;
import dev.pilotlight.loadtest.report.SvgChart.ValueAxis;
import dev.pilotlight.simulator.engine.FunctionResult;
import dev.pilotlight.simulator.engine.PolicyResult;
import dev.pilotlight.simulator.engine.SimConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The results as one self-contained HTML file in the load test report's style: the policies' table,
 * the Pareto chart (cold-start ratio against cost, one point per policy, the frontier drawn),
 * cold-start ratio by invocation-frequency class (chart and table), and per function the cold
 * starts under each policy. Pure: results in, markup out.
 */
public final class SimHtml {
  static final String[] COLORS = {
    "#1f6fb2", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#f9a825", "#5d4037",
    "#ad1457", "#455a64", "#9e9d24", "#283593"
  };

  private SimHtml() {}

  public static String render(SimulationReport r) {
    StringBuilder sb = new StringBuilder(256 * 1024);
    String title = "Pilotlight simulation";
    SimConfig c = r.config();
    long invocations = r.results().isEmpty() ? 0 : r.results().get(0).invocations();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\n<title>")
        .append(title)
        .append("</title>\n<style>\n")
        .append(HtmlReport.CSS)
        .append(".bar{background:#e3edf7} .front{font-weight:600}\n")
        .append("</style></head>\n<body>\n<h1>")
        .append(title)
        .append("</h1>\n<p class=\"sub\">")
        .append(Html.escape(r.source()))
        .append(" · ")
        .append(r.functions())
        .append(" functions · ")
        .append(invocations)
        .append(" invocations · ")
        .append(fmt(r.windowNanos() / 3.6e12, 2))
        .append(" h · seed ")
        .append(c.seed())
        .append(" · cold start ")
        .append(c.coldStart().toMillis())
        .append(" ms · reserve ")
        .append(fmt(c.reserveFraction(), 3))
        .append(" of a function's memory · containerConcurrency ")
        .append(c.containerConcurrency())
        .append("</p>\n");
    List<PolicyResult> frontier = Frontier.of(r.results());
    table(sb, r, frontier);
    pareto(sb, r, frontier);
    classes(sb, r, frontier);
    functions(sb, r);
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void table(StringBuilder sb, SimulationReport r, List<PolicyResult> frontier) {
    sb.append("<h2>Policies</h2>\n<table>\n<tr><th>policy</th><th>annotations</th>")
        .append("<th>cold starts</th><th>ratio</th><th>wait p50 (ms)</th><th>wait p99 (ms)</th>")
        .append("<th>standard GB-s</th><th>reserve GB-s</th><th>cost GB-s</th>")
        .append("<th>beaten by</th></tr>\n");
    for (PolicyResult p : r.results()) {
      boolean front = frontier.contains(p);
      sb.append("<tr")
          .append(front ? " class=\"front\"" : "")
          .append("><td>")
          .append(Html.escape(p.policy().name()))
          .append("</td><td>")
          .append(Html.escape(annotations(p.policy().sortedAnnotations())))
          .append("</td>")
          .append(num(p.coldStarts(), 0))
          .append("<td class=\"num\">" + fmt(100 * p.coldStartRatio(), 3) + "%</td>")
          .append(num(p.waitP50Ms(), 1))
          .append(num(p.waitP99Ms(), 1))
          .append(num(p.standardGbS(), 0))
          .append(num(p.reserveGbS(), 0))
          .append(num(p.costGbS(), 0))
          .append("<td>")
          .append(
              Html.escape(
                  front ? "on the frontier" : String.join(", ", Frontier.beatenBy(p, r.results()))))
          .append("</td></tr>\n");
    }
    sb.append("</table>\n<p>Cold start: a request that waited for an instance to start (the")
        .append(" reserve counts as warm). Wait: time held in the gateway, over all requests.")
        .append(" Cost: memory × time of standard instances and of the reserve at its own size,")
        .append(" starting time included. Bold: on the Pareto frontier.</p>\n");
  }

  private static void pareto(StringBuilder sb, SimulationReport r, List<PolicyResult> frontier) {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (PolicyResult p : r.results()) {
      if (p.costGbS() > 0) {
        min = Math.min(min, p.costGbS());
      }
      max = Math.max(max, p.costGbS());
    }
    if (max <= 0) {
      return;
    }
    SvgChart chart =
        new SvgChart(
            "Pareto: cold-start ratio against cost (log scale)",
            "cold starts (%)",
            ValueAxis.log("cost (GB-s)", min, max),
            false);
    List<double[]> line = new ArrayList<>();
    for (PolicyResult p : frontier) {
      line.add(new double[] {p.costGbS(), 100 * p.coldStartRatio()});
    }
    chart.add(new Series("frontier", "#9e9e9e", line, false, true));
    for (PolicyResult p : r.results()) {
      chart.mark(
          new Mark(
              p.policy().name(),
              frontier.contains(p) ? "#c62828" : "#1f6fb2",
              Math.max(min, p.costGbS()),
              100 * p.coldStartRatio()));
    }
    sb.append("<h2>Cold starts against cost</h2>\n").append(chart.render());
  }

  private static void classes(StringBuilder sb, SimulationReport r, List<PolicyResult> frontier) {
    List<ClassStats> counts =
        r.results().isEmpty() ? List.of() : ClassStats.of(r.results().get(0), r.windowNanos());
    List<String> labels = new ArrayList<>();
    for (ClassStats s : counts) {
      labels.add(s.frequency().label() + " (" + s.functions() + ")");
    }
    sb.append("<h2>Cold starts by invocation frequency</h2>\n");
    // at most six lines stay readable: the frontier's policies, then the rest in order
    Set<PolicyResult> shown = new LinkedHashSet<>(frontier);
    shown.addAll(r.results());
    SvgChart chart =
        new SvgChart(
            "Cold-start ratio by invocation frequency (functions per class)",
            "cold starts (%)",
            new CategoryAxis("invocations over the window", labels),
            false);
    int k = 0;
    for (PolicyResult p : shown) {
      if (k == 6) {
        break;
      }
      List<double[]> pts = new ArrayList<>();
      List<ClassStats> stats = ClassStats.of(p, r.windowNanos());
      for (int i = 0; i < stats.size(); i++) {
        if (stats.get(i).functions() > 0) {
          pts.add(new double[] {i, 100 * stats.get(i).coldStartRatio()});
        }
      }
      chart.add(new Series(p.policy().name(), COLORS[k % COLORS.length], pts, false, false));
      k++;
    }
    sb.append(chart.render());
    sb.append("<table>\n<tr><th>policy</th>");
    for (String l : labels) {
      sb.append("<th>").append(Html.escape(l)).append("</th>");
    }
    sb.append("</tr>\n");
    for (PolicyResult p : r.results()) {
      sb.append("<tr><td>").append(Html.escape(p.policy().name())).append("</td>");
      for (ClassStats s : ClassStats.of(p, r.windowNanos())) {
        double pct = 100 * s.coldStartRatio();
        sb.append(
            String.format(
                Locale.ROOT,
                "<td class=\"num\" style=\"background:linear-gradient(90deg,#e3edf7 %.1f%%,"
                    + "transparent %.1f%%)\">%.2f%% · %s GB-s</td>",
                pct,
                pct,
                pct,
                fmt(s.costGbS(), 0)));
      }
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private static void functions(StringBuilder sb, SimulationReport r) {
    if (r.results().isEmpty()) {
      return;
    }
    sb.append("<h2>Per function</h2>\n<details><summary>cold starts per function and policy (")
        .append(r.functions())
        .append(" functions)</summary>\n<table>\n<tr><th>function</th><th>trigger</th>")
        .append("<th>invocations</th><th>MB</th>");
    for (PolicyResult p : r.results()) {
      sb.append("<th>").append(Html.escape(p.policy().name())).append("</th>");
    }
    sb.append("</tr>\n");
    List<FunctionResult> first = r.results().get(0).functions();
    for (int i = 0; i < first.size(); i++) {
      FunctionResult f = first.get(i);
      sb.append("<tr><td>")
          .append(Html.escape(f.name()))
          .append("</td><td>")
          .append(Html.escape(f.trigger()))
          .append("</td>")
          .append(num(f.invocations(), 0))
          .append(num(f.memoryMb(), 0));
      for (PolicyResult p : r.results()) {
        sb.append(num(p.functions().get(i).coldStarts(), 0));
      }
      sb.append("</tr>\n");
    }
    sb.append("</table>\n</details>\n");
  }

  private static String annotations(Map<String, String> a) {
    if (a.isEmpty()) {
      return "(Knative's defaults)";
    }
    List<String> parts = new ArrayList<>();
    a.forEach((k, v) -> parts.add(k + ": " + v));
    return String.join("; ", parts);
  }

  private static String num(double v, int decimals) {
    return "<td class=\"num\">" + fmt(v, decimals) + "</td>";
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
