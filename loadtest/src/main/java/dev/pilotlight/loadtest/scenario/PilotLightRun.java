package dev.pilotlight.loadtest.scenario;

import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.generator.LoadGenerator;
import dev.pilotlight.loadtest.generator.Target;
import dev.pilotlight.loadtest.observe.ReplicaObserver;
import dev.pilotlight.loadtest.observe.ReplicaSource;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.report.Metric;
import dev.pilotlight.loadtest.report.RunResult;
import dev.pilotlight.loadtest.report.Summary;
import dev.pilotlight.loadtest.scenario.LoadRun.ScenarioException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The {@code pilot-light} scenario: the first request after idle to a service with the pilot light
 * against one without it, in the same run. Each round, for each of the two (alternating which goes
 * first), waits until it has no standard instance (and, with the pilot light, a ready reserve),
 * sends one request and records its time to first byte; then, once the first service has a standard
 * instance ready, sends a few sequential warm requests to it for reference. Before the first round,
 * one unmeasured request goes to each, so no round measures the client's own start. Waits are
 * bounded by {@code --wait}.
 */
public final class PilotLightRun {
  /** Warm requests per round, sent one after another. */
  static final int WARM_REQUESTS = 5;

  /** One side of the comparison. */
  public record Side(Target target, ReplicaSource source) {}

  private final LoadRun.Settings settings;
  private final Ticker ticker;
  private final PrintWriter progress;

  public PilotLightRun(LoadRun.Settings settings, Ticker ticker, PrintWriter progress) {
    this.settings = settings;
    this.ticker = ticker;
    this.progress = progress;
  }

  /**
   * @param with the service with the pilot light
   * @param without the service without it
   * @param rounds cold requests to each
   */
  public RunResult run(Side with, Side without, int rounds)
      throws IOException, InterruptedException, ScenarioException {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds: " + rounds + " (expected: >= 1)");
    }
    Instant startedAt = Instant.now();
    long origin = ticker.nanoTime();
    LatencyRecorder all = new LatencyRecorder();
    LatencyRecorder coldWith = new LatencyRecorder();
    LatencyRecorder coldWithout = new LatencyRecorder();
    LatencyRecorder warm = new LatencyRecorder();
    try (ReplicaObserver a =
            new ReplicaObserver(with.source(), ticker, origin, settings.observeInterval());
        ReplicaObserver b =
            new ReplicaObserver(without.source(), ticker, origin, settings.observeInterval())) {
      a.start();
      b.start();
      // one unmeasured request to each first: the load generator's own first request pays for
      // its class loading and connection setup, which no round should measure
      say("warming up the client: one unmeasured request to each");
      send(with.target(), new LatencyRecorder(), new LatencyRecorder());
      send(without.target(), new LatencyRecorder(), new LatencyRecorder());
      double firstSend = -1;
      for (int round = 0; round < rounds; round++) {
        boolean withFirst = round % 2 == 0;
        for (int i = 0; i < 2; i++) {
          boolean isWith = withFirst == (i == 0);
          ReplicaObserver o = isWith ? a : b;
          // with the pilot light, idle means its reserve is ready: a request then meets the
          // reserve, which is what is measured (not one held while the reserve still starts)
          String idle = isWith ? "zero with a ready reserve" : "zero";
          say("round " + (round + 1) + ": waiting for " + o.describe() + " to reach " + idle);
          if (!o.await(
              isWith ? Timeline::lastAtZeroWithReserve : Timeline::lastAtZero,
              settings.waitTimeout())) {
            throw new ScenarioException(
                o.describe()
                    + " not at "
                    + (isWith
                        ? "zero standard instances with a ready reserve"
                        : "zero standard instances")
                    + " after "
                    + settings.waitTimeout().toSeconds()
                    + "s (--wait)");
          }
          long sent =
              send(isWith ? with.target() : without.target(), isWith ? coldWith : coldWithout, all);
          if (firstSend < 0) {
            firstSend = (sent - origin) / 1e9;
          }
        }
        say("round " + (round + 1) + ": waiting for a ready standard instance for warm requests");
        if (a.await(
            tl -> !tl.isEmpty() && tl.get(tl.size() - 1).ready() > 0, settings.waitTimeout())) {
          for (int w = 0; w < WARM_REQUESTS; w++) {
            send(with.target(), warm, all);
          }
        }
      }
      double end = (ticker.nanoTime() - origin) / 1e9;
      return new RunResult(
          with.target().describe() + " vs " + without.target().describe(),
          Scenario.PILOT_LIGHT.cliName(),
          rounds + " rounds of one request after idle to each, " + WARM_REQUESTS + " warm",
          startedAt,
          Math.max(0, firstSend),
          end,
          Summary.of(all, Math.max(0.001, end - Math.max(0, firstSend))),
          List.of(),
          a.describe(),
          a.samples(),
          Timeline.events(a.samples()),
          a.failures() + b.failures(),
          metrics(coldWith.firstByteTotal(), coldWithout.firstByteTotal(), warm.total()),
          all.total(),
          b.describe(),
          b.samples(),
          List.of());
    }
  }

  /** Sends one request to {@code target}; returns when it was sent, in ticker terms. */
  private long send(Target target, LatencyRecorder one, LatencyRecorder all)
      throws IOException, InterruptedException {
    LatencyRecorder r = new LatencyRecorder();
    long start;
    try (LoadGenerator g = new LoadGenerator(target, ticker, 1, settings.timeout(), r)) {
      try {
        g.runBurst(1).get(settings.timeout().toSeconds() + 30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("load generator failed: " + e, e);
      }
      start = g.startNanos();
    }
    one.add(r);
    all.add(r);
    return start;
  }

  static List<Metric> metrics(Histogram with, Histogram without, Histogram warm) {
    List<Metric> m = new ArrayList<>();
    double withP50 = with.getValueAtPercentile(50) / 1e3;
    double withoutP50 = without.getValueAtPercentile(50) / 1e3;
    double warmP50 = warm.getValueAtPercentile(50) / 1e3;
    m.add(
        Metric.of(
            "with_ttfb_p50_ms",
            "first request after idle, with the pilot light: p50",
            withP50,
            "ms"));
    m.add(
        Metric.of(
            "with_ttfb_max_ms",
            "first request after idle, with the pilot light: max",
            with.getMaxValue() / 1e3,
            "ms"));
    m.add(
        Metric.of(
            "without_ttfb_p50_ms", "first request after idle, without: p50", withoutP50, "ms"));
    m.add(
        Metric.of(
            "without_ttfb_max_ms",
            "first request after idle, without: max",
            without.getMaxValue() / 1e3,
            "ms"));
    m.add(
        warm.getTotalCount() == 0
            ? new Metric("warm_p50_ms", "warm request (a standard instance ready): p50", null, "ms")
            : Metric.of(
                "warm_p50_ms", "warm request (a standard instance ready): p50", warmP50, "ms"));
    m.add(
        new Metric(
            "with_over_warm",
            "with the pilot light ÷ warm (p50)",
            warm.getTotalCount() == 0 || warmP50 == 0 ? null : withP50 / warmP50,
            "×"));
    m.add(
        new Metric(
            "without_over_with",
            "without ÷ with the pilot light (p50)",
            withP50 == 0 ? null : withoutP50 / withP50,
            "×"));
    return m;
  }

  private void say(String line) {
    progress.println(line);
    progress.flush();
  }
}
