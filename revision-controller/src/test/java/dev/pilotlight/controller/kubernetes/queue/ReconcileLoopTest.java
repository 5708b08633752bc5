package dev.pilotlight.controller.kubernetes.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The loop's retry and requeue, driven step by step with manual time. */
class ReconcileLoopTest {
  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final WorkQueue<String> queue = new WorkQueue<>(scheduler, ticker);
  final List<String> seen = new ArrayList<>();

  ReconcileLoop<String> loop(Reconciler<String> reconciler) {
    return new ReconcileLoop<>(
        "test", queue, reconciler, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
  }

  @Test
  void failuresAreRetriedWithCappedExponentialBackoffAndSuccessResetsIt() {
    int[] failuresLeft = {5};
    ReconcileLoop<String> loop =
        loop(
            key -> {
              seen.add(
                  key + "@" + TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - 1_000_000_000L));
              if (failuresLeft[0]-- > 0) {
                throw new IllegalStateException("API server unavailable");
              }
              return ReconcileResult.done();
            });
    queue.add("a");
    assertThat(loop.processNext()).isTrue();
    assertThat(loop.failures("a")).isEqualTo(1);
    for (int i = 0; i < 60; i++) {
      scheduler.advance(50, TimeUnit.MILLISECONDS);
      while (loop.processNext()) {}
    }
    // attempts at 0, then +100, +200, +400, +800, +1000 (capped) ms
    assertThat(seen).containsExactly("a@0", "a@100", "a@300", "a@700", "a@1500", "a@2500");
    assertThat(loop.failures("a")).isZero();
    assertThat(queue.parked()).isZero();
  }

  @Test
  void requeueAfterBringsTheKeyBackAfterTheDelay() {
    ReconcileLoop<String> loop =
        loop(
            key -> {
              seen.add(key);
              return seen.size() == 1
                  ? ReconcileResult.requeueAfter(Duration.ofMinutes(5))
                  : ReconcileResult.done();
            });
    queue.add("gc");
    loop.processNext();
    scheduler.advance(4, TimeUnit.MINUTES);
    assertThat(loop.processNext()).isFalse();
    scheduler.advance(1, TimeUnit.MINUTES);
    assertThat(loop.processNext()).isTrue();
    assertThat(seen).containsExactly("gc", "gc");
  }

  @Test
  void anEventDuringAReconcileRunsItOnceMoreAfterwards() {
    ReconcileLoop<String> loop =
        loop(
            key -> {
              seen.add(key);
              if (seen.size() == 1) {
                queue.add(key); // the object changed while we looked at it
                queue.add(key);
              }
              return ReconcileResult.done();
            });
    queue.add("a");
    while (loop.processNext()) {}
    assertThat(seen).containsExactly("a", "a");
  }

  @Test
  void workerThreadsReconcileUntilClosed() throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(3);
    ReconcileLoop<String> loop =
        loop(
            key -> {
              done.countDown();
              return ReconcileResult.done();
            });
    loop.start(2);
    queue.add("a");
    queue.add("b");
    queue.add("c");
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    loop.close();
    queue.add("d");
    assertThat(queue.size()).isZero();
  }
}
