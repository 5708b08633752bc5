package dev.pilotlight.loadtest.report;

import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.record.LatencyRecorder.Interval;
import dev.pilotlight.loadtest.scenario.Timeline.ScaleEvent;
import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Everything a run found, on one time axis: seconds since the run started (before any wait for
 * zero).
 *
 * @param target the URL and Host header
 * @param scenario the scenario's command-line name, or {@code none}
 * @param load the load, described
 * @param startedAt wall-clock start, for the report's title
 * @param loadStart when the load began, in seconds
 * @param loadEnd when the last request of the load ended
 * @param intervals per-second latency, {@link Interval#second()} on the run's axis
 * @param observed what was observed, or null
 * @param observeFailures samples lost to read errors
 * @param metrics the scenario's results
 * @param latency every latency of the run, in microseconds
 * @param compareObserved what the {@code pilot-light} scenario compared with, or null
 * @param compareReplicas its replica timeline, or empty
 * @param phases each phase of an open-loop run on its own, or empty
 */
public record RunResult(
    String target,
    String scenario,
    String load,
    Instant startedAt,
    double loadStart,
    double loadEnd,
    Summary summary,
    List<Interval> intervals,
    String observed,
    List<ReplicaSample> replicas,
    List<ScaleEvent> events,
    int observeFailures,
    List<Metric> metrics,
    Histogram latency,
    String compareObserved,
    List<ReplicaSample> compareReplicas,
    List<PhaseResult> phases) {}
