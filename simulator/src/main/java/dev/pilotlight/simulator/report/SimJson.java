package dev.pilotlight.simulator.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.simulator.engine.FunctionResult;
import dev.pilotlight.simulator.engine.PolicyResult;
import dev.pilotlight.simulator.engine.SimConfig;
import java.util.List;
import java.util.Map;

/**
 * The results as JSON: {@code policies: [{name, invocations, cold_starts, cold_start_ratio,
 * wait_ms: {p50, p99}, standard_gb_s, reserve_gb_s, cost_gb_s, ...}]} and the rest. Nothing in it
 * depends on the machine or the moment: the same trace, policies and seed give the same bytes.
 */
public final class SimJson {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private SimJson() {}

  public static String render(SimulationReport r) {
    ObjectNode root = JSON.createObjectNode();
    long invocations = r.results().isEmpty() ? 0 : r.results().get(0).invocations();
    ObjectNode trace = root.putObject("trace");
    trace.put("source", r.source());
    trace.put("functions", r.functions());
    trace.put("invocations", invocations);
    trace.put("window_s", r.windowNanos() / 1e9);
    SimConfig c = r.config();
    ObjectNode settings = root.putObject("settings");
    settings.put("seed", c.seed());
    settings.put("cold_start_ms", c.coldStart().toMillis());
    settings.put("reserve_fraction", c.reserveFraction());
    settings.put("container_concurrency", c.containerConcurrency());
    settings.put("timeout_s", c.timeout().toSeconds());
    settings.put("tick_interval_ms", c.autoscaler().tickInterval().toMillis());
    settings.put("stable_window_s", c.autoscaler().stableWindow().toSeconds());
    settings.put("scale_to_zero_grace_s", c.autoscaler().scaleToZeroGrace().toSeconds());
    ArrayNode policies = root.putArray("policies");
    List<PolicyResult> frontier = Frontier.of(r.results());
    for (PolicyResult p : r.results()) {
      ObjectNode n = policies.addObject();
      n.put("name", p.policy().name());
      ObjectNode a = n.putObject("annotations");
      for (Map.Entry<String, String> e : p.policy().sortedAnnotations().entrySet()) {
        a.put(e.getKey(), e.getValue());
      }
      n.put("invocations", p.invocations());
      n.put("cold_starts", p.coldStarts());
      n.put("cold_start_ratio", round(p.coldStartRatio(), 6));
      ObjectNode w = n.putObject("wait_ms");
      w.put("p50", round(p.waitP50Ms(), 3));
      w.put("p99", round(p.waitP99Ms(), 3));
      ObjectNode cw = n.putObject("cold_wait_ms");
      cw.put("p50", round(p.coldWaitP50Ms(), 3));
      cw.put("p99", round(p.coldWaitP99Ms(), 3));
      n.put("standard_gb_s", round(p.standardGbS(), 3));
      n.put("reserve_gb_s", round(p.reserveGbS(), 3));
      n.put("cost_gb_s", round(p.costGbS(), 3));
      n.put("scale_decisions", p.decisions());
      n.put("pareto", frontier.contains(p));
      ArrayNode beaten = n.putArray("beaten_by");
      Frontier.beatenBy(p, r.results()).forEach(beaten::add);
      ArrayNode classes = n.putArray("by_frequency");
      for (ClassStats s : ClassStats.of(p, r.windowNanos())) {
        ObjectNode cn = classes.addObject();
        cn.put("class", s.frequency().label());
        cn.put("functions", s.functions());
        cn.put("invocations", s.invocations());
        cn.put("cold_starts", s.coldStarts());
        cn.put("cold_start_ratio", round(s.coldStartRatio(), 6));
        cn.put("cost_gb_s", round(s.costGbS(), 3));
      }
      ArrayNode fns = n.putArray("functions");
      for (FunctionResult f : p.functions()) {
        ObjectNode fn = fns.addObject();
        fn.put("name", f.name());
        fn.put("id", f.id());
        fn.put("trigger", f.trigger());
        fn.put("memory_mb", round(f.memoryMb(), 3));
        fn.put("invocations", f.invocations());
        fn.put("cold_starts", f.coldStarts());
        fn.put("standard_gb_s", round(f.standardGbS(), 3));
        fn.put("reserve_gb_s", round(f.reserveGbS(), 3));
      }
    }
    ArrayNode front = root.putArray("pareto_frontier");
    frontier.forEach(p -> front.add(p.policy().name()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
