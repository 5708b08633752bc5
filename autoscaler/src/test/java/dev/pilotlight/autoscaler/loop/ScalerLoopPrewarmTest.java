package dev.pilotlight.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code pilotlight.dev/prewarm: histogram} in the real loop on manual time: one request every ten
 * minutes, instances that are ready the moment they are wanted.
 */
class ScalerLoopPrewarmTest {
  static final RevisionKey REV = new RevisionKey("default", "timer-00001");

  final ManualTicker ticker = new ManualTicker(0);
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final List<long[]> changes = new ArrayList<>(); // {second, desired}
  final ScalerLoop loop =
      new ScalerLoop(
          scheduler,
          ticker,
          Duration.ofSeconds(2),
          (ScaleDecision d) -> changes.add(new long[] {second(), d.desiredScale()}));
  int ready = 1;

  long second() {
    return TimeUnit.NANOSECONDS.toSeconds(ticker.nanoTime());
  }

  /** Moves on second by second; instances follow the last decision at once. */
  void run(ScalingSpec spec, int seconds) {
    for (int i = 0; i < seconds; i++) {
      scheduler.advance(1, TimeUnit.SECONDS);
      int want = (int) changes.get(changes.size() - 1)[1];
      if (want != ready) {
        ready = want;
        loop.upsert(new ScalingTarget(REV, spec, true, ready));
      }
    }
  }

  /** Twelve requests ten minutes apart; the changes of the period after the last one. */
  List<long[]> lastPeriod(Map<String, String> annotations) {
    ScalingSpec spec = ScalingSpecs.resolve(annotations, 0, AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, ready));
    long start = 0;
    for (int k = 0; k < 12; k++) {
      start = second();
      loop.report(List.of(new StatRecord(REV, 0.3, 1)));
      run(spec, 600);
    }
    long from = start;
    return changes.stream()
        .filter(c -> c[0] >= from)
        .map(c -> new long[] {c[0] - from, c[1]})
        .toList();
  }

  @Test
  void withoutPrewarm_theLastInstanceGoesAfterTheWindowAndTheGrace_everyRequestFindsZero() {
    List<long[]> period = lastPeriod(Map.of());
    assertThat(period)
        .extracting(c -> c[1])
        .as("woken by the request, then down")
        .containsExactly(1L, 0L);
    assertThat(period.get(0)[0]).isZero();
    assertThat(period.get(1)[0]).as("60 s window + 30 s grace, on a 2 s tick").isBetween(90L, 94L);
  }

  @Test
  void withPrewarm_zeroAtOnce_warmAgainBeforeTheNextRequest() {
    List<long[]> period =
        lastPeriod(
            Map.of(
                AutoscalingAnnotations.PREWARM,
                "histogram",
                "pilotlight.dev/reserve-instance",
                "true"));
    assertThat(period).extracting(c -> c[1]).containsExactly(0L, 1L);
    assertThat(period.get(0)[0]).as("idle for 2 s: a long idle is predicted").isBetween(2L, 4L);
    assertThat(period.get(1)[0]).as("9 minutes: the prewarm window").isBetween(540L, 542L);
    assertThat(ready).as("ready when the next request comes at 600 s").isEqualTo(1);
  }

  @Test
  void prewarmActsOnlyOnceTheHistogramIsRepresentative() {
    ScalingSpec spec =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.PREWARM, "histogram"), 0, AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, ready));
    for (int k = 0; k < 5; k++) {
      loop.report(List.of(new StatRecord(REV, 0.3, 1)));
      run(spec, 600);
    }
    assertThat(changes)
        .extracting(c -> c[1])
        .containsExactly(1L, 0L, 1L, 0L, 1L, 0L, 1L, 0L, 1L, 0L);
  }
}
