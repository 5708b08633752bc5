package dev.pilotlight.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class LatencyDistributionTest {
  /** 1 ms to 10 s, evenly: the p50 is about 5 s, the p99 about 9.9 s. */
  private static Histogram uniform() {
    Histogram h = new Histogram(3_600_000_000L, 3);
    for (long ms = 1; ms <= 10_000; ms++) {
      h.recordValue(ms * 1000);
    }
    return h;
  }

  @Test
  void theCurveRisesThroughThePercentilesToTheMaximumAtOneHundred() {
    List<double[]> curve = LatencyDistribution.of(uniform());
    assertThat(curve.size()).isBetween(20, 200); // a few dozen points, not one per value
    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.get(i)[0]).isGreaterThanOrEqualTo(curve.get(i - 1)[0]);
      assertThat(curve.get(i)[1]).isGreaterThanOrEqualTo(curve.get(i - 1)[1]);
    }
    assertThat(curve.get(0)[0]).isZero();
    double[] last = curve.get(curve.size() - 1);
    assertThat(last[0]).isEqualTo(100.0);
    assertThat(last[1]).isBetween(10_000.0, 10_010.0); // ms, to HdrHistogram's 3 digits
    double[] median = curve.stream().filter(p -> p[0] >= 50).findFirst().orElseThrow();
    assertThat(median[1]).isBetween(4_990.0, 5_010.0);
    assertThat(LatencyDistribution.of(new Histogram(3))).isEmpty();
  }

  @Test
  void theAxisShowsAsManyNinesAsTheRequestsCanAndSpacesThemEvenly() {
    assertThat(LatencyDistribution.nines(10)).isEqualTo(2);
    assertThat(LatencyDistribution.nines(10_000)).isEqualTo(4);
    assertThat(LatencyDistribution.nines(1_000_000_000)).isEqualTo(6);
    SvgChart.PercentileAxis axis = new SvgChart.PercentileAxis(3);
    assertThat(axis.ticks()).containsExactly(0.0, 90.0, 99.0, 99.9);
    assertThat(axis.ticks().stream().map(axis::tickLabel))
        .containsExactly("0%", "90%", "99%", "99.9%");
    assertThat(axis.fraction(90)).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(axis.fraction(99)).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(axis.fraction(100)).isEqualTo(1.0);
  }

  @Test
  void theChartIsOneCurveOnAPercentileAxis() throws Exception {
    String svg =
        HtmlReport.distributionChart(
            List.of(
                new SvgChart.Series(
                    "latency", "#1f6fb2", LatencyDistribution.of(uniform()), false, false)),
            10_000);
    Document doc = HtmlReportTest.parse(svg);
    assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(1);
    String points = ((Element) doc.getElementsByTagName("polyline").item(0)).getAttribute("points");
    String[] xy = points.split(" ");
    // left to right, and up (smaller y pixels) as latency grows
    for (int i = 1; i < xy.length; i++) {
      String[] a = xy[i - 1].split(",");
      String[] b = xy[i].split(",");
      assertThat(Double.parseDouble(b[0])).isGreaterThanOrEqualTo(Double.parseDouble(a[0]));
      assertThat(Double.parseDouble(b[1])).isLessThanOrEqualTo(Double.parseDouble(a[1]));
    }
    assertThat(svg).contains(">99.99%<").contains(">percentile<");
  }
}
