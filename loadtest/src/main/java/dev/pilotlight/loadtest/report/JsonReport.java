package dev.pilotlight.loadtest.report;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.record.LatencyRecorder.Interval;
import dev.pilotlight.loadtest.report.Summary.Percentiles;
import dev.pilotlight.loadtest.scenario.Timeline.ScaleEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as a JSON-ready tree with stable snake_case keys: {@code requests}, {@code errors},
 * {@code throughput_rps}, {@code latency_ms}, {@code ttfb_ms}, {@code intervals}, {@code replicas:
 * [{t, desired, ready, reserve}]}, {@code scale_events} and {@code scenario}. Times in seconds on
 * the run's axis.
 */
public final class JsonReport {
  private JsonReport() {}

  public static Map<String, Object> of(RunResult r) {
    Summary s = r.summary();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", r.target());
    m.put("load", r.load());
    m.put("started_at", r.startedAt().toString());
    m.put("load_start_s", r.loadStart());
    m.put("load_end_s", r.loadEnd());
    m.put("requests", s.requests());
    m.put("errors", s.errors());
    m.put("error_kinds", s.errorKinds());
    m.put("throughput_rps", s.throughputRps());
    m.put("latency_ms", percentiles(s.latencyMs()));
    m.put("ttfb_ms", percentiles(s.firstByteMs()));
    List<Map<String, Object>> intervals = new ArrayList<>();
    for (Interval i : r.intervals()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("t", i.second());
      e.put("responses", i.responses());
      e.put("errors", i.errors());
      e.put("p50_ms", i.p50());
      e.put("p90_ms", i.p90());
      e.put("p99_ms", i.p99());
      e.put("max_ms", i.max());
      intervals.add(e);
    }
    m.put("intervals", intervals);
    List<Map<String, Object>> distribution = new ArrayList<>();
    if (r.latency() != null) {
      for (double[] p : LatencyDistribution.of(r.latency())) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("percentile", p[0]);
        e.put("ms", p[1]);
        distribution.add(e);
      }
    }
    m.put("latency_distribution", distribution);
    List<Map<String, Object>> phases = new ArrayList<>();
    for (PhaseResult p : r.phases()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("phase", p.index());
      e.put("start_s", p.startS());
      e.put("duration_s", p.durationS());
      e.put("rate", p.rate());
      e.put("responses", p.responses());
      e.put("throughput_rps", p.throughputRps());
      e.put("p50_ms", p.p50Ms());
      e.put("p99_ms", p.p99Ms());
      phases.add(e);
    }
    if (!phases.isEmpty()) {
      m.put("phases", phases);
    }
    if (r.observed() != null) {
      m.put("observed", r.observed());
      m.put("observe_failures", r.observeFailures());
    }
    m.put("replicas", samples(r.replicas()));
    if (r.compareObserved() != null) {
      m.put("compare_observed", r.compareObserved());
      m.put("compare_replicas", samples(r.compareReplicas()));
    }
    List<Map<String, Object>> events = new ArrayList<>();
    for (ScaleEvent e : r.events()) {
      events.add(Map.of("t", e.t(), "event", e.what()));
    }
    m.put("scale_events", events);
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (Metric x : r.metrics()) {
      metrics.put(x.key(), x.value());
    }
    Map<String, Object> scenario = new LinkedHashMap<>();
    scenario.put("name", r.scenario());
    scenario.put("metrics", metrics);
    m.put("scenario", scenario);
    return m;
  }

  private static List<Map<String, Object>> samples(List<ReplicaSample> list) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ReplicaSample x : list) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("t", x.t());
      e.put("desired", x.desired());
      e.put("ready", x.ready());
      e.put("reserve", x.reserve());
      out.add(e);
    }
    return out;
  }

  private static Map<String, Object> percentiles(Percentiles p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", p.p50());
    m.put("p90", p.p90());
    m.put("p99", p.p99());
    m.put("max", p.max());
    return m;
  }
}
