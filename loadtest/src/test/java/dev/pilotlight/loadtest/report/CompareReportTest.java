package dev.pilotlight.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CompareReportTest {
  private static JsonNode json(String target) {
    return new ObjectMapper().valueToTree(JsonReport.of(HtmlReportTest.result(target)));
  }

  @Test
  void twoRunsAreOverlaidOnEveryChartAndSideBySideInTheTable() throws Exception {
    String html =
        CompareReport.render(
            List.of(
                new CompareReport.Compared("with.json", json("a")),
                new CompareReport.Compared("without <b>.json", json("b"))));
    Document doc = HtmlReportTest.parse(html);
    NodeList svgs = doc.getElementsByTagName("svg");
    // the latency distribution, p99 per second, ready instances
    assertThat(svgs.getLength()).isEqualTo(3);
    for (int i = 0; i < svgs.getLength(); i++) {
      assertThat(((Element) svgs.item(i)).getElementsByTagName("polyline").getLength())
          .isEqualTo(2);
    }
    assertThat(html)
        .contains("<th>with.json</th><th>without &lt;b&gt;.json</th>")
        .contains("<tr><td>requests</td><td class=\"num\">10</td><td class=\"num\">10</td></tr>");
  }

  @Test
  void oneRunIsNoComparison() {
    assertThatThrownBy(
            () -> CompareReport.render(List.of(new CompareReport.Compared("a.json", json("a")))))
        .hasMessage("1 runs (expected: 2 to 8 --json results)");
  }
}
