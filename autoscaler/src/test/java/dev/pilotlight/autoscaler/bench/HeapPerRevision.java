package dev.pilotlight.autoscaler.bench;

import dev.pilotlight.autoscaler.loop.ScalerLoop;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;

/**
 * Heap held per revision by the autoscaler once every revision has a full window of stats: used
 * heap after a full GC, with and without the revisions. Run by {@code bench/autoscaler.sh}.
 */
public final class HeapPerRevision {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long before = usedAfterGc();
    ManualTicker ticker = new ManualTicker();
    ScalerLoop loop =
        new ScalerLoop(new ManualScheduler(ticker), ticker, Duration.ofSeconds(2), d -> {});
    ScalerLoopBenchmark.fill(loop, ticker, n);
    loop.tick();
    long after = usedAfterGc();
    System.out.printf(
        "heap per revision: %.0f bytes (%d revisions, %.1f MiB in all; keys and targets included)%n",
        (after - before) / (double) n, n, (after - before) / 1048576.0);
    java.lang.ref.Reference.reachabilityFence(loop);
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
