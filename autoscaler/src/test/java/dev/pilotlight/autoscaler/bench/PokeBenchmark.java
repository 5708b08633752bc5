package dev.pilotlight.autoscaler.bench;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.autoscaler.loop.ScalerLoop;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Poke to published decision, through the real single-thread scheduler the autoscaler runs on: a
 * revision at zero is poked and the benchmark waits until the listener has the decision to scale
 * up. Between invocations the revision is put back to zero.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PokeBenchmark {
  static final RevisionKey REV = new RevisionKey("default", "cold-00001");

  ScheduledExecutorService scheduler;
  ScalerLoop loop;
  final AtomicReference<Integer> published = new AtomicReference<>();

  @Setup(Level.Trial)
  public void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    loop =
        new ScalerLoop(
            scheduler, Ticker.system(), Duration.ofHours(1), d -> published.set(d.desiredScale()));
  }

  @Setup(Level.Invocation)
  public void atZero() {
    published.set(null);
    loop.remove(REV);
    loop.upsert(new ScalingTarget(REV, ScalerLoopBenchmark.SPEC.withInitialScale(0), true, 0));
    while (published.get() == null || published.get() != 0) {
      LockSupport.parkNanos(1000);
    }
  }

  @Benchmark
  public int pokeToDecision() {
    loop.poke(REV);
    Integer d;
    while ((d = published.get()) == null || d == 0) {
      Thread.onSpinWait();
    }
    return d;
  }

  @TearDown(Level.Trial)
  public void stop() {
    scheduler.shutdownNow();
  }
}
