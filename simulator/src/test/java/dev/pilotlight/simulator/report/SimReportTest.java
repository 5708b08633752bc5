package dev.pilotlight.simulator.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.simulator.engine.PolicyResult;
import dev.pilotlight.simulator.engine.SimConfig;
import dev.pilotlight.simulator.engine.Simulation;
import dev.pilotlight.simulator.policy.Policies;
import dev.pilotlight.simulator.trace.Trace;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real slice, every preset: the JSON's shape, determinism, the HTML's charts. */
class SimReportTest {
  static final Path SLICE = Path.of("src", "test", "resources", "azure-slice");

  static SimulationReport simulate(long seed, int threads) throws Exception {
    Trace t = Trace.read(SLICE, 128);
    SimConfig c = SimConfig.defaults().withSeed(seed);
    List<PolicyResult> r = Simulation.run(t, Policies.PRESETS, c, threads);
    return new SimulationReport(t.source(), t.functions().size(), t.windowNanos(), c, r);
  }

  @Test
  void sameSeedSameJson_whateverTheThreads_anotherSeedAnotherJson() throws Exception {
    String a = SimJson.render(simulate(3, 1));
    assertThat(SimJson.render(simulate(3, 4))).isEqualTo(a);
    assertThat(SimJson.render(simulate(4, 1))).isNotEqualTo(a);
  }

  @Test
  void theJsonHasEveryPolicyWithTheIssuesFields() throws Exception {
    JsonNode j = new ObjectMapper().readTree(SimJson.render(simulate(1, 1)));
    assertThat(j.get("policies")).hasSize(11);
    for (JsonNode p : j.get("policies")) {
      assertThat(p.get("invocations").asLong()).isEqualTo(5227);
      for (String f :
          List.of(
              "name",
              "cold_starts",
              "cold_start_ratio",
              "standard_gb_s",
              "reserve_gb_s",
              "cost_gb_s",
              "by_frequency",
              "functions")) {
        assertThat(p.has(f)).as(f).isTrue();
      }
      assertThat(p.get("wait_ms").has("p50")).isTrue();
      assertThat(p.get("wait_ms").has("p99")).isTrue();
      assertThat(p.get("functions")).hasSize(16);
      assertThat(p.get("cost_gb_s").asDouble())
          .isCloseTo(
              p.get("standard_gb_s").asDouble() + p.get("reserve_gb_s").asDouble(),
              org.assertj.core.api.Assertions.within(0.01));
    }
    JsonNode min = j.get("policies").get(6);
    assertThat(min.get("name").asText()).isEqualTo("min-scale-1");
    assertThat(min.get("cold_starts").asLong()).isZero();
    assertThat(j.get("pareto_frontier")).isNotEmpty();
  }

  @Test
  void theHtmlHasTheParetoChartAndTheFrequencyClasses() throws Exception {
    String html = SimHtml.render(simulate(1, 1));
    assertThat(html)
        .contains("<svg", "Pareto: cold-start ratio against cost", "frontier")
        .contains("Cold-start ratio by invocation frequency", "&lt; 1/h (4)")
        .contains("pilot-light-prewarm");
  }
}
