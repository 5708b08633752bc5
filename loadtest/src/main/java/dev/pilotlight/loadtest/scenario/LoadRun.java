package dev.pilotlight.loadtest.scenario;

import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.generator.LoadGenerator;
import dev.pilotlight.loadtest.generator.Target;
import dev.pilotlight.loadtest.observe.ReplicaObserver;
import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.observe.ReplicaSource;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.record.LatencyRecorder.Interval;
import dev.pilotlight.loadtest.report.Metric;
import dev.pilotlight.loadtest.report.PhaseResult;
import dev.pilotlight.loadtest.report.RunResult;
import dev.pilotlight.loadtest.report.Summary;
import dev.pilotlight.loadtest.schedule.Phase;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * Runs one load test: starts the replica observer, waits as the scenario asks (for zero before, for
 * the scale or for zero after), sends the load, and measures. Every wait is bounded by {@code
 * waitTimeout}; the load by its schedule plus one request timeout.
 */
public final class LoadRun {
  /**
   * @param connections most connections the generator opens
   * @param timeout per request
   * @param waitTimeout longest wait for zero before the load and for the scenario's end after it
   * @param observeInterval time between replica samples
   * @param warmup the same load sent for this long before the measured run and not recorded (so the
   *     JIT has compiled the generator); zero for none
   */
  public record Settings(
      Target target,
      int connections,
      Duration timeout,
      Duration waitTimeout,
      Duration observeInterval,
      Duration warmup) {}

  /** A scenario could not do what it needs (nothing reached zero in time, say). */
  public static final class ScenarioException extends Exception {
    ScenarioException(String message) {
      super(message);
    }
  }

  private final Settings settings;
  private final Ticker ticker;
  private final ReplicaSource source;
  private final PrintWriter progress;

  /**
   * @param source replica counts, or null to observe nothing
   * @param progress where waits are announced
   */
  public LoadRun(Settings settings, Ticker ticker, ReplicaSource source, PrintWriter progress) {
    this.settings = settings;
    this.ticker = ticker;
    this.source = source;
    this.progress = progress;
  }

  public RunResult run(Scenario scenario, Load load)
      throws IOException, InterruptedException, ScenarioException {
    if (scenario != Scenario.NONE && source == null) {
      throw new IllegalArgumentException(
          "--scenario " + scenario.cliName() + " needs --observe NAME (what to watch scale)");
    }
    if (scenario == Scenario.PILOT_LIGHT) {
      throw new IllegalArgumentException("--scenario pilot-light is run by PilotLightRun");
    }
    if (scenario == Scenario.STEP && !(load instanceof Load.Open)) {
      throw new IllegalArgumentException("--scenario step needs --phases (the steps)");
    }
    if (!settings.warmup().isZero() && (scenario != Scenario.NONE || load instanceof Load.Burst)) {
      throw new IllegalArgumentException(
          "--warmup: only without --scenario and --burst (warm-up traffic would change the scale)");
    }
    if (!settings.warmup().isZero()) {
      say("warming up for " + Load.seconds(settings.warmup()) + " (not recorded)");
      send(warmupOf(load, settings.warmup()), new LatencyRecorder());
    }
    Instant startedAt = Instant.now();
    long origin = ticker.nanoTime();
    ReplicaObserver observer =
        source == null
            ? null
            : new ReplicaObserver(source, ticker, origin, settings.observeInterval());
    try {
      if (observer != null) {
        observer.start();
      }
      if (scenario == Scenario.SCALE_FROM_ZERO) {
        say("waiting for " + observer.describe() + " to reach zero instances");
        if (!observer.await(Timeline::lastAtZero, settings.waitTimeout())) {
          throw new ScenarioException(
              "not at zero instances after " + settings.waitTimeout().toSeconds() + "s (--wait)");
        }
      }
      LatencyRecorder recorder =
          new LatencyRecorder(load instanceof Load.Open o ? phaseEnds(o) : List.of());
      say("sending " + load.describe());
      long[] times = send(load, recorder);
      double loadStart = seconds(times[0] - origin);
      double lastResponse = seconds((times[1] < 0 ? ticker.nanoTime() : times[1]) - origin);
      awaitScheduleEnd(load, times[0]);
      double loadEnd = seconds(ticker.nanoTime() - origin);
      if (scenario == Scenario.SCALE_FROM_ZERO) {
        say("waiting for the scale the load asked for to be ready");
        observer.await(tl -> reachedPeak(tl, loadStart), settings.waitTimeout());
      } else if (scenario == Scenario.SCALE_TO_ZERO) {
        say("load done; waiting for " + observer.describe() + " to reach zero instances");
        observer.await(Timeline::lastAtZero, settings.waitTimeout());
      }
      List<ReplicaSample> samples = observer == null ? List.of() : observer.samples();
      List<Metric> metrics =
          switch (scenario) {
            case NONE -> List.of();
            case SCALE_FROM_ZERO -> fromZero(samples, loadStart, recorder);
            case STEP -> step(samples, loadStart, ((Load.Open) load).phases(), recorder);
            case SCALE_TO_ZERO -> toZero(samples, lastResponse);
            case PILOT_LIGHT -> throw new IllegalStateException("run by PilotLightRun");
          };
      List<Interval> intervals = new ArrayList<>();
      for (Interval i : recorder.intervals()) {
        intervals.add(
            new Interval(
                loadStart + i.second(),
                i.responses(),
                i.errors(),
                i.p50(),
                i.p90(),
                i.p99(),
                i.max()));
      }
      return new RunResult(
          settings.target().describe(),
          scenario.cliName(),
          load.describe(),
          startedAt,
          loadStart,
          loadEnd,
          Summary.of(recorder, sendingSeconds(load, loadStart, lastResponse)),
          intervals,
          observer == null ? null : observer.describe(),
          samples,
          Timeline.events(samples),
          observer == null ? 0 : observer.failures(),
          metrics,
          recorder.total(),
          null,
          List.of(),
          load instanceof Load.Open o ? phases(o, loadStart, recorder) : List.of());
    } finally {
      if (observer != null) {
        observer.close();
      }
    }
  }

  /** Sends {@code load}; returns when it began and when its last response came (or -1). */
  private long[] send(Load load, LatencyRecorder recorder)
      throws IOException, InterruptedException {
    try (LoadGenerator generator =
        new LoadGenerator(
            settings.target(), ticker, settings.connections(), settings.timeout(), recorder)) {
      CompletableFuture<Void> done;
      if (load instanceof Load.Open o) {
        done = generator.runOpen(o.phases());
      } else if (load instanceof Load.Closed c) {
        done = generator.runClosed(c.concurrency(), c.duration());
      } else {
        done = generator.runBurst(((Load.Burst) load).requests());
      }
      long bound = load.length().plus(settings.timeout()).toSeconds() + 30;
      try {
        done.get(bound, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("load generator failed: " + e, e);
      }
      return new long[] {generator.startNanos(), generator.lastResponseNanos()};
    }
  }

  /**
   * A schedule that ends in idle (rate 0) phases has sent its last request before its end: the run
   * goes on, observing, until the schedule's end, so that what happens after the load (the scale
   * going back to zero) is part of it.
   */
  private void awaitScheduleEnd(Load load, long loadStartNanos) throws InterruptedException {
    long end = loadStartNanos + load.length().toNanos();
    long left = end - ticker.nanoTime();
    if (left <= 0) {
      return;
    }
    say(
        "load sent; observing until the schedule ends ("
            + Load.seconds(Duration.ofNanos(left))
            + ")");
    while ((left = end - ticker.nanoTime()) > 0) {
      Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
    }
  }

  /**
   * How long the load was sent, for its throughput: an open loop's phases with a rate (its idle
   * phases are not the load's), a closed loop's length or until its last response, a burst's time
   * to its last response.
   */
  static double sendingSeconds(Load load, double loadStart, double lastResponse) {
    if (load instanceof Load.Open o) {
      return o.loadLength().toMillis() / 1e3;
    }
    return Math.max(lastResponse, loadStart + load.length().toMillis() / 1e3) - loadStart;
  }

  /** Each phase of an open loop on its own: its responses, throughput and latency. */
  static List<PhaseResult> phases(Load.Open load, double loadStart, LatencyRecorder recorder) {
    List<PhaseResult> out = new ArrayList<>();
    List<Histogram> latency = recorder.segments();
    double start = loadStart;
    for (int i = 0; i < load.phases().size(); i++) {
      Phase p = load.phases().get(i);
      double seconds = p.duration().toMillis() / 1e3;
      Histogram h = latency.get(i);
      long n = h.getTotalCount();
      out.add(
          new PhaseResult(
              i + 1,
              start,
              seconds,
              p.rate(),
              n,
              n / seconds,
              n == 0 ? 0 : h.getValueAtPercentile(50) / 1e3,
              n == 0 ? 0 : h.getValueAtPercentile(99) / 1e3));
      start += seconds;
    }
    return out;
  }

  /** The first {@code length} of {@code load}. */
  static Load warmupOf(Load load, Duration length) {
    if (load instanceof Load.Closed c) {
      return new Load.Closed(c.concurrency(), length);
    }
    List<Phase> phases = new ArrayList<>();
    Duration left = length;
    for (Phase p : ((Load.Open) load).phases()) {
      if (left.isZero()) {
        break;
      }
      Duration d = p.duration().compareTo(left) < 0 ? p.duration() : left;
      phases.add(new Phase(d, p.rate()));
      left = left.minus(d);
    }
    return new Load.Open(phases);
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static List<Double> phaseEnds(Load.Open load) {
    List<Double> ends = new ArrayList<>();
    double t = 0;
    for (Phase p : load.phases()) {
      t += p.duration().toMillis() / 1e3;
      ends.add(t);
    }
    return ends;
  }

  /** Ready has reached the highest desired count sampled since the load began (at least one). */
  static boolean reachedPeak(List<ReplicaSample> tl, double loadStart) {
    int peak = Math.max(1, Timeline.peakDesired(tl, loadStart, Double.MAX_VALUE));
    return Timeline.first(tl, loadStart, s -> s.ready() >= peak).isPresent();
  }

  static List<Metric> fromZero(List<ReplicaSample> tl, double loadStart, LatencyRecorder r) {
    Histogram ttfb = r.firstByteTotal();
    int peak = Timeline.peakDesired(tl, loadStart, Double.MAX_VALUE);
    List<Metric> m = new ArrayList<>();
    m.add(
        Metric.of(
            "ttfb_p50_ms", "time to first byte, p50", ttfb.getValueAtPercentile(50) / 1e3, "ms"));
    m.add(
        Metric.of(
            "ttfb_p90_ms", "time to first byte, p90", ttfb.getValueAtPercentile(90) / 1e3, "ms"));
    m.add(Metric.of("ttfb_max_ms", "time to first byte, max", ttfb.getMaxValue() / 1e3, "ms"));
    m.add(Metric.of("peak_desired", "scale the load asked for (peak desired)", peak, ""));
    m.add(
        since(
            "time_to_ask_s",
            "time from the burst until that scale was asked for (desired)",
            Timeline.first(tl, loadStart, s -> s.desired() >= Math.max(1, peak)),
            loadStart));
    m.add(
        since(
            "time_to_scale_s",
            "time from the burst until that scale was ready",
            Timeline.first(tl, loadStart, s -> s.ready() >= Math.max(1, peak)),
            loadStart));
    return m;
  }

  static List<Metric> step(
      List<ReplicaSample> tl, double loadStart, List<Phase> phases, LatencyRecorder r) {
    List<Metric> m = new ArrayList<>();
    List<Histogram> latency = r.segments();
    double start = loadStart;
    double previousRate = 0;
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      double end = start + p.duration().toMillis() / 1e3;
      String name = "phase" + (i + 1);
      String label = "phase " + (i + 1) + " (" + Load.number(p.rate()) + "/s)";
      if (p.rate() > previousRate) {
        int needed = Timeline.peakDesired(tl, start, end);
        m.add(Metric.of(name + "_scale", label + ": scale it asked for", needed, ""));
        m.add(
            since(
                name + "_time_to_scale_s",
                label + ": time until that scale was ready",
                Timeline.first(tl, start, s -> s.ready() >= Math.max(1, needed)),
                start));
      }
      if (p.rate() > 0) {
        Histogram h = latency.get(i);
        m.add(
            Metric.of(
                name + "_p50_ms", label + ": latency p50", h.getValueAtPercentile(50) / 1e3, "ms"));
        m.add(
            Metric.of(
                name + "_p99_ms", label + ": latency p99", h.getValueAtPercentile(99) / 1e3, "ms"));
      }
      previousRate = p.rate();
      start = end;
    }
    return m;
  }

  static List<Metric> toZero(List<ReplicaSample> tl, double lastResponse) {
    return List.of(
        since(
            "time_to_zero_s",
            "time from the last response to zero standard instances",
            Timeline.first(tl, lastResponse, ReplicaSample::atZero),
            lastResponse),
        since(
            "time_to_pilot_light_only_s",
            "time from the last response to the pilot light only",
            Timeline.first(tl, lastResponse, s -> s.atZero() && s.reserve() > 0),
            lastResponse));
  }

  private static Metric since(String key, String label, OptionalDouble t, double from) {
    return new Metric(key, label, t.isPresent() ? t.getAsDouble() - from : null, "s");
  }
}
