package dev.pilotlight.autoscaler.bench;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.autoscaler.loop.ScalerLoop;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One decision round over many revisions, each with a full stable window of one stat per second:
 * the autoscaler's work per tick. Run by {@code bench/autoscaler.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScalerLoopBenchmark {
  static final ScalingSpec SPEC = ScalingSpecs.resolve(Map.of(), 0, AutoscalerConfig.DEFAULTS);

  @Param({"100000"})
  public int revisions;

  ManualTicker ticker;
  ScalerLoop loop;

  @Setup(Level.Trial)
  public void fill() {
    ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    loop = new ScalerLoop(scheduler, ticker, Duration.ofSeconds(2), d -> {});
    fill(loop, ticker, revisions);
  }

  /** Registers {@code n} revisions and feeds each one stat a second for a full 60 s window. */
  static void fill(ScalerLoop loop, ManualTicker ticker, int n) {
    List<StatRecord> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RevisionKey key = new RevisionKey("ns-" + (i % 100), "rev-" + i);
      loop.upsert(new ScalingTarget(key, SPEC, true, 3));
      batch.add(new StatRecord(key, 150 + (i % 50), 300));
    }
    for (int s = 0; s < 60; s++) {
      loop.report(batch);
      ticker.advanceSeconds(1);
    }
  }

  @Benchmark
  public void tick() {
    loop.tick();
  }
}
