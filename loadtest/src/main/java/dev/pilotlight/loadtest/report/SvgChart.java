package dev.pilotlight.loadtest.report;

import dev.pilotlight.loadtest.scenario.Timeline.ScaleEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One chart as inline SVG: a time axis in seconds (shared by a report's charts, with scale events
 * as marked vertical lines) or a percentile axis (a latency distribution, HdrHistogram's way: 0%,
 * 90%, 99%, 99.9%, ... equally spaced), a linear or logarithmic y axis, lines or steps. Pure: data
 * in, markup out.
 */
public final class SvgChart {
  static final int WIDTH = 960;
  static final int HEIGHT = 240;
  static final int LEFT = 64;
  static final int RIGHT = 16;
  static final int TOP = 28;
  static final int BOTTOM = 36;

  /** A named series of (t, y) points. */
  public record Series(
      String name, String color, List<double[]> points, boolean step, boolean dashed) {}

  /** A labelled point drawn as a dot (a scatter chart's point). */
  public record Mark(String label, String color, double x, double y) {}

  /** The x axis: where a value lies along it (0 to 1), its ticks and their labels. */
  public interface XAxis {
    double fraction(double v);

    List<Double> ticks();

    String tickLabel(double v);

    String label();
  }

  /** Any quantity from 0 to {@code max}, linear, or from {@code min} to {@code max} in decades. */
  public record ValueAxis(String label, double min, double max, boolean log) implements XAxis {
    /** A linear axis from 0 to a nice round value at or above {@code dataMax}. */
    public static ValueAxis linear(String label, double dataMax) {
      double step = niceStep(Math.max(1e-9, dataMax) / 8);
      return new ValueAxis(label, 0, Math.ceil(Math.max(1e-9, dataMax) / step) * step, false);
    }

    /** A log axis over whole decades around {@code dataMin}..{@code dataMax} (both > 0). */
    public static ValueAxis log(String label, double dataMin, double dataMax) {
      double lo = Math.pow(10, Math.floor(Math.log10(Math.max(1e-9, dataMin))));
      double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, dataMax))));
      return new ValueAxis(label, lo, hi, true);
    }

    @Override
    public double fraction(double v) {
      if (log) {
        return (Math.log10(Math.max(min, v)) - Math.log10(min))
            / (Math.log10(max) - Math.log10(min));
      }
      return (v - min) / (max - min);
    }

    @Override
    public List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      if (log) {
        for (double v = min; v <= max * 1.0001; v *= 10) {
          ticks.add(v);
        }
      } else {
        double step = niceStep((max - min) / 8);
        for (double v = min; v <= max + 1e-9; v += step) {
          ticks.add(v);
        }
      }
      return ticks;
    }

    @Override
    public String tickLabel(double v) {
      return fmt(v);
    }
  }

  /** Categories at equal distances: value {@code i} is the {@code i}-th label. */
  public record CategoryAxis(String label, List<String> labels) implements XAxis {
    @Override
    public double fraction(double v) {
      return (v + 0.5) / labels.size();
    }

    @Override
    public List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        ticks.add((double) i);
      }
      return ticks;
    }

    @Override
    public String tickLabel(double v) {
      return labels.get((int) v);
    }
  }

  /** Seconds from 0 to {@code max}. */
  record TimeAxis(double max) implements XAxis {
    @Override
    public double fraction(double t) {
      return t / max;
    }

    @Override
    public List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      double step = niceStep(max / 10);
      for (double t = 0; t <= max + 1e-9; t += step) {
        ticks.add(t);
      }
      return ticks;
    }

    @Override
    public String tickLabel(double v) {
      return fmt(v);
    }

    @Override
    public String label() {
      return "time (s)";
    }
  }

  /**
   * Percentiles from 0 to {@code nines} nines (3: 99.9%), spaced by the nines of each: the tail,
   * where latency lives, gets as much room as the body.
   */
  record PercentileAxis(int nines) implements XAxis {
    /** How far along the axis a percentile lies, in nines: 90% is 1, 99% is 2. */
    static double ninesOf(double percentile) {
      return percentile >= 100 ? Double.POSITIVE_INFINITY : Math.log10(100 / (100 - percentile));
    }

    @Override
    public double fraction(double percentile) {
      return Math.min(1, ninesOf(percentile) / nines);
    }

    @Override
    public List<Double> ticks() {
      List<Double> ticks = new ArrayList<>();
      for (int n = 0; n <= nines; n++) {
        ticks.add(100 - 100 / Math.pow(10, n));
      }
      return ticks;
    }

    @Override
    public String tickLabel(double v) {
      String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
      return s + "%";
    }

    @Override
    public String label() {
      return "percentile";
    }
  }

  private final String title;
  private final String yLabel;
  private final XAxis xAxis;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();
  private final List<Mark> marks = new ArrayList<>();
  private List<ScaleEvent> events = List.of();

  /** A chart over time, {@code 0} to {@code xMax} seconds. */
  SvgChart(String title, String yLabel, double xMax, boolean logY) {
    this(title, yLabel, new TimeAxis(Math.max(1, xMax)), logY);
  }

  public SvgChart(String title, String yLabel, XAxis xAxis, boolean logY) {
    this.title = title;
    this.yLabel = yLabel;
    this.xAxis = xAxis;
    this.logY = logY;
  }

  public SvgChart add(Series s) {
    series.add(s);
    return this;
  }

  /** A labelled dot; its y counts for the y axis' range as series points do. */
  public SvgChart mark(Mark m) {
    marks.add(m);
    return this;
  }

  SvgChart events(List<ScaleEvent> e) {
    events = e;
    return this;
  }

  public String render() {
    double yMax = 0;
    double yMin = Double.MAX_VALUE;
    for (Mark m : marks) {
      yMax = Math.max(yMax, m.y());
      if (m.y() > 0) {
        yMin = Math.min(yMin, m.y());
      }
    }
    for (Series s : series) {
      for (double[] p : s.points()) {
        yMax = Math.max(yMax, p[1]);
        if (p[1] > 0) {
          yMin = Math.min(yMin, p[1]);
        }
      }
    }
    Axis y = logY ? Axis.log(yMin == Double.MAX_VALUE ? 1 : yMin, yMax) : Axis.linear(yMax);
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            Html.escape(title)));
    sb.append("<text x=\"")
        .append(LEFT)
        .append("\" y=\"16\" class=\"title\">")
        .append(Html.escape(title))
        .append("</text>\n");
    grid(sb, y);
    for (ScaleEvent e : events) {
      double x = x(e.t());
      sb.append(
          String.format(
              Locale.ROOT,
              "<line class=\"event\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"><title>%s</title></line>\n",
              x,
              TOP,
              x,
              HEIGHT - BOTTOM,
              Html.escape(fmt(e.t()) + " s: " + e.what())));
    }
    int legendX = WIDTH - RIGHT;
    for (int i = series.size() - 1; i >= 0; i--) {
      Series s = series.get(i);
      legendX -= 12 + 7 * s.name().length() + 20;
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"4\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"16\" class=\"legend\">%s</text>\n",
              legendX,
              s.color(),
              legendX + 16,
              Html.escape(s.name())));
    }
    for (Series s : series) {
      sb.append("<polyline class=\"series\" fill=\"none\" stroke=\"")
          .append(s.color())
          .append('"')
          .append(s.dashed() ? " stroke-dasharray=\"6 3\"" : "")
          .append(" points=\"");
      double[] prev = null;
      for (double[] p : s.points()) {
        if (s.step() && prev != null) {
          point(sb, x(p[0]), y.pixel(prev[1]));
        }
        point(sb, x(p[0]), y.pixel(p[1]));
        prev = p;
      }
      if (sb.charAt(sb.length() - 1) == ' ') {
        sb.setLength(sb.length() - 1);
      }
      sb.append("\"><title>").append(Html.escape(s.name())).append("</title></polyline>\n");
    }
    for (Mark m : marks) {
      double px = x(m.x());
      double py = y.pixel(m.y());
      sb.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s</title></circle>"
                  + "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">%s</text>\n",
              px,
              py,
              m.color(),
              Html.escape(m.label()),
              px + 6,
              py - 6,
              Html.escape(m.label())));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private void grid(StringBuilder sb, Axis y) {
    int bottom = HEIGHT - BOTTOM;
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect class=\"plot\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
            LEFT,
            TOP,
            WIDTH - LEFT - RIGHT,
            bottom - TOP));
    for (double v : y.ticks()) {
      double py = y.pixel(v);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
              LEFT,
              py,
              WIDTH - RIGHT,
              py,
              LEFT - 6,
              py + 4,
              fmt(v)));
    }
    for (double t : xAxis.ticks()) {
      double px = x(t);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
              px,
              TOP,
              px,
              bottom,
              px,
              bottom + 16,
              Html.escape(xAxis.tickLabel(t))));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%s</text>\n"
                + "<text x=\"14\" y=\"%d\" class=\"axis\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">%s</text>\n",
            WIDTH - RIGHT,
            HEIGHT - 4,
            Html.escape(xAxis.label()),
            (TOP + bottom) / 2,
            (TOP + bottom) / 2,
            Html.escape(yLabel)));
  }

  private double x(double t) {
    return LEFT + (WIDTH - LEFT - RIGHT) * Math.min(1, Math.max(0, xAxis.fraction(t)));
  }

  private static void point(StringBuilder sb, double x, double y) {
    sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e12) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) < 1 ? "%.2g" : "%.1f", v);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(rough)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= rough) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** Maps values to pixels on the y axis. */
  private record Axis(boolean log, double min, double max, List<Double> ticks) {
    static Axis linear(double dataMax) {
      double step = niceStep(Math.max(1, dataMax) / 4);
      double max = Math.ceil(Math.max(1, dataMax) / step) * step;
      List<Double> ticks = new ArrayList<>();
      for (double v = 0; v <= max + 1e-9; v += step) {
        ticks.add(v);
      }
      return new Axis(false, 0, max, ticks);
    }

    static Axis log(double dataMin, double dataMax) {
      double lo = Math.pow(10, Math.floor(Math.log10(Math.max(1e-3, dataMin))));
      double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, dataMax))));
      List<Double> ticks = new ArrayList<>();
      for (double v = lo; v <= hi * 1.0001; v *= 10) {
        ticks.add(v);
      }
      return new Axis(true, lo, hi, ticks);
    }

    double pixel(double v) {
      double f;
      if (log) {
        double c = Math.max(min, v);
        f = (Math.log10(c) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
      } else {
        f = v / max;
      }
      return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * Math.min(1, Math.max(0, f));
    }
  }
}
