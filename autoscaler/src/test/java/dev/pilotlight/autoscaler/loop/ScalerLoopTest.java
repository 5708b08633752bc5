package dev.pilotlight.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
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

/** The shell on manual time: every tick, report and poke is driven by hand. */
class ScalerLoopTest {
  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final ScalingSpec SPEC =
      ScalingSpecs.resolve(
          Map.of(AutoscalingAnnotations.TARGET, "10", AutoscalingAnnotations.WINDOW, "6s"),
          0,
          AutoscalerConfig.DEFAULTS.withScaleToZeroGrace(Duration.ofSeconds(2)));

  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final List<ScaleDecision> published = new ArrayList<>();
  final ScalerLoop loop = new ScalerLoop(scheduler, ticker, Duration.ofSeconds(2), published::add);

  void seconds(int n) {
    scheduler.advance(n, TimeUnit.SECONDS);
  }

  List<Integer> desired() {
    return published.stream().map(ScaleDecision::desiredScale).toList();
  }

  @Test
  void initialScaleAtOnce_thenZeroAfterWindowAndGrace_pokeWakesWithoutATick() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));
    assertThat(desired()).containsExactly(1);
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    seconds(6);
    assertThat(desired()).as("not before a full window and the grace period").containsExactly(1);
    seconds(4);
    assertThat(desired()).containsExactly(1, 0);
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));

    loop.poke(REV);
    assertThat(desired()).containsExactly(1, 0, 1);
    loop.poke(REV);
    assertThat(desired()).as("pokes are idempotent").containsExactly(1, 0, 1);
  }

  @Test
  void scalesUpWithReportedConcurrencyAndPublishesOnlyChanges() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    for (int i = 0; i < 6; i++) {
      loop.report(List.of(new StatRecord(REV, 21, 40)));
      seconds(1);
    }
    assertThat(desired()).containsExactly(1, 3);
    loop.upsert(new ScalingTarget(REV, SPEC, true, 3));
    for (int i = 0; i < 4; i++) {
      loop.report(List.of(new StatRecord(REV, 21, 40)));
      seconds(1);
    }
    assertThat(desired()).containsExactly(1, 3);
  }

  @Test
  void scaleDownDelayHoldsTheScaleAfterLoadDrops() {
    ScalingSpec delayed =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.TARGET, "10",
                AutoscalingAnnotations.WINDOW, "6s",
                AutoscalingAnnotations.SCALE_DOWN_DELAY, "20s"),
            0,
            AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, delayed, true, 1));
    for (int i = 0; i < 6; i++) {
      loop.report(List.of(new StatRecord(REV, 21, 40)));
      seconds(1);
    }
    loop.upsert(new ScalingTarget(REV, delayed, true, 3));
    assertThat(desired()).containsExactly(1, 3);
    seconds(16);
    assertThat(desired()).as("the window is empty, but the delay keeps 3").containsExactly(1, 3);
    seconds(10);
    assertThat(desired()).as("down once the 20 s delay has passed").hasSizeGreaterThan(2);
    assertThat(desired().get(2)).isLessThan(3);
  }

  @Test
  void reportsOfSeveralActivatorsInOneSecondSum() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    for (int i = 0; i < 6; i++) {
      loop.report(List.of(new StatRecord(REV, 10.5, 20)));
      loop.report(List.of(new StatRecord(REV, 10.5, 20)));
      seconds(1);
    }
    assertThat(desired()).as("21 concurrent requests over 7 per instance").containsExactly(1, 3);
  }

  @Test
  void rpsMetricScalesOnRequestsPerSecond() {
    ScalingSpec rps =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.METRIC, "rps",
                AutoscalingAnnotations.TARGET, "10",
                AutoscalingAnnotations.WINDOW, "6s"),
            0,
            AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, rps, true, 1));
    for (int i = 0; i < 6; i++) {
      loop.report(List.of(new StatRecord(REV, 0.5, 42)));
      seconds(1);
    }
    assertThat(desired()).as("42 requests/s over 7 per instance").containsExactly(1, 6);
  }

  @Test
  void activationScaleIsTheFloorWhenWokenFromZero() {
    ScalingSpec three =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.ACTIVATION_SCALE, "3", AutoscalingAnnotations.WINDOW, "6s"),
            0,
            AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, three.withInitialScale(0), true, 0));
    assertThat(desired()).containsExactly(0);
    loop.poke(REV);
    assertThat(desired()).containsExactly(0, 3);
  }

  @Test
  void aReserveThatServesUpToOneKeepsATrickleAtZero_aPokeStillWakes() {
    ScalingSpec servesOne =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.WINDOW,
                "6s",
                "pilotlight.dev/reserve-instance",
                "true",
                "pilotlight.dev/reserve-serves-up-to",
                "1"),
            0,
            AutoscalerConfig.DEFAULTS);
    loop.start();
    loop.upsert(new ScalingTarget(REV, servesOne.withInitialScale(0), true, 0));
    for (int i = 0; i < 20; i++) {
      loop.report(List.of(new StatRecord(REV, 0.9, 4)));
      seconds(1);
    }
    assertThat(desired()).as("sequential requests: the reserve carries them").containsExactly(0);
    for (int i = 0; i < 2; i++) {
      loop.report(List.of(new StatRecord(REV, 1.6, 8)));
      seconds(1);
    }
    assertThat(desired()).as("above what the reserve serves alone").containsExactly(0, 1);

    loop.upsert(new ScalingTarget(REV, servesOne.withInitialScale(0), true, 0));
    ScalerLoop other = new ScalerLoop(scheduler, ticker, Duration.ofSeconds(2), published::add);
    other.upsert(
        new ScalingTarget(
            new RevisionKey("default", "other-00001"), servesOne.withInitialScale(0), true, 0));
    other.poke(new RevisionKey("default", "other-00001"));
    assertThat(desired()).as("a held request pokes: wanted at once").containsExactly(0, 1, 0, 1);
  }

  @Test
  void aRestartedAutoscalerKeepsServingInstancesUntilItHasAFullWindow() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 5));
    assertThat(desired())
        .as("starts from the ready instances, not initial-scale")
        .containsExactly(5);
    seconds(4);
    assertThat(desired()).as("no data yet: no scale-down").containsExactly(5);
    seconds(4);
    assertThat(desired())
        .as("a full window of no traffic: now it may go down")
        .hasSizeGreaterThan(1);
  }

  @Test
  void aNewRevisionIsNotTakenToZeroBeforeItsInitialScaleWasReady() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));
    seconds(30); // a slow start: well past the window and the grace, still not ready
    assertThat(desired()).containsExactly(1);
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    seconds(10);
    assertThat(desired()).containsExactly(1, 0);
  }

  @Test
  void aRevisionThatNeverGetsReadyIsLetGoAtTheActivationTimeout() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));
    seconds(628); // Knative: the progress deadline (600 s) plus 30 s
    assertThat(desired()).containsExactly(1);
    seconds(4);
    assertThat(desired()).containsExactly(1, 0);
    assertThat(published.get(1).reason())
        .isEqualTo("activation timed out: no instance ready after 630s");
  }

  /**
   * Knative's activation timeout holds on every activation, not only a new revision's: a revision
   * woken from zero whose instance never gets ready (a crash loop) keeps its instance wanted until
   * the timeout, then goes to zero, and the next request wakes it again.
   */
  @Test
  void aWokenRevisionThatNeverGetsReadyIsLetGoAtTheActivationTimeout_theNextRequestWakesIt() {
    toZero(SPEC);
    loop.poke(REV);
    // the held request is reported while it waits, then given up (the gateway's hold timeout)
    for (int i = 0; i < 30; i++) {
      loop.report(List.of(new StatRecord(REV, 1, 0)));
      seconds(1);
    }
    seconds(596);
    assertThat(desired()).as("still activating").isNotEmpty().doesNotContain(0);
    seconds(4);
    assertThat(desired()).last().isEqualTo(0);

    loop.poke(REV);
    assertThat(desired()).last().isEqualTo(1);
  }

  @Test
  void aRevisionWhoseOnlyInstanceStopsBeingReadyIsNotWantedForever() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));
    loop.upsert(new ScalingTarget(REV, SPEC, true, 1));
    for (int i = 0; i < 20; i++) {
      loop.report(List.of(new StatRecord(REV, 5, 5)));
      seconds(1);
    }
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0)); // it crashes, and keeps crashing
    seconds(628);
    assertThat(desired()).containsExactly(1);
    seconds(4);
    assertThat(desired()).containsExactly(1, 0);
  }

  @Test
  void theProgressDeadlineIsTheRevisionsAnnotation() {
    ScalingSpec spec =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.TARGET,
                "10",
                AutoscalingAnnotations.WINDOW,
                "6s",
                DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION,
                "90s"),
            0,
            AutoscalerConfig.DEFAULTS.withScaleToZeroGrace(Duration.ofSeconds(2)));
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, 0));
    seconds(118);
    assertThat(desired()).containsExactly(1);
    seconds(4);
    assertThat(desired()).containsExactly(1, 0);
  }

  @Test
  void theProgressDeadlineIsConfigDeploymentsWithoutTheAnnotation() {
    ScalingSpec spec =
        ScalingSpecs.resolve(
            Map.of(AutoscalingAnnotations.TARGET, "10", AutoscalingAnnotations.WINDOW, "6s"),
            0,
            AutoscalerConfig.DEFAULTS
                .withScaleToZeroGrace(Duration.ofSeconds(2))
                .withProgressDeadline(
                    DeploymentConfigs.progressDeadline(Map.of("progress-deadline", "2m"))));
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, 0));
    seconds(148);
    assertThat(desired()).containsExactly(1);
    seconds(4);
    assertThat(desired()).containsExactly(1, 0);
  }

  /** Default config: target 100 × 70% = 70 per instance, 60 s window, 30 s grace. */
  static final ScalingSpec DEFAULT = ScalingSpecs.resolve(Map.of(), 0, AutoscalerConfig.DEFAULTS);

  /** Takes a revision with one idle ready instance to zero, and leaves it there for two minutes. */
  void toZero(ScalingSpec spec) {
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, 1));
    seconds(40);
    assertThat(desired()).last().isEqualTo(0);
    loop.upsert(new ScalingTarget(REV, spec, true, 0));
    seconds(120);
    published.clear();
  }

  /**
   * The brief's burst: 300 concurrent requests at a revision at zero, instances ready 10 s after
   * they are asked for. Knative asks for 5 from t = 2 s; each held request pokes, so here 5 are
   * asked for at the pokes themselves (t = 0), and the activator's reports keep them.
   */
  @Test
  void aBurstAtZeroAsksForEnoughInstancesAtThePokes() {
    toZero(DEFAULT);
    for (int i = 0; i < 300; i++) {
      loop.poke(REV);
    }
    assertThat(desired())
        .as("sized from the held requests: 300 / 70")
        .containsExactly(1, 2, 3, 4, 5);
    for (int t = 1; t <= 10; t++) {
      seconds(1);
      loop.report(List.of(new StatRecord(REV, 300, t == 1 ? 300 : 0)));
      assertThat(desired()).as("t = %d s", t).last().isEqualTo(5);
    }
    loop.upsert(new ScalingTarget(REV, DEFAULT, true, 5));
    for (int t = 11; t <= 30; t++) {
      seconds(1);
      loop.report(List.of(new StatRecord(REV, 300, 0)));
    }
    assertThat(desired().subList(4, desired().size()))
        .as("never below 5 while the burst lasts")
        .allMatch(d -> d >= 5);
    assertThat(desired()).last().isEqualTo(5);
  }

  /** If pokes are lost, the first report of a revision without ready instances decides at once. */
  @Test
  void aReportAtZeroReadyIsDecidedAtOnce_notAtTheNextTick() {
    toZero(DEFAULT);
    loop.poke(REV);
    assertThat(desired()).containsExactly(1);
    seconds(1);
    loop.report(List.of(new StatRecord(REV, 300, 300)));
    assertThat(desired()).as("at t = 1 s, Knative's t = 2 s").containsExactly(1, 5);
  }

  @Test
  void anUnroutedRevisionGoesToZeroWithoutScaleDownDelayOrRetention() {
    ScalingSpec spec =
        ScalingSpecs.resolve(
            Map.of(
                AutoscalingAnnotations.WINDOW, "6s",
                AutoscalingAnnotations.MIN_SCALE, "2",
                AutoscalingAnnotations.SCALE_DOWN_DELAY, "5m",
                AutoscalingAnnotations.SCALE_TO_ZERO_POD_RETENTION, "10m"),
            0,
            AutoscalerConfig.DEFAULTS.withScaleToZeroGrace(Duration.ofSeconds(2)));
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, 2));
    seconds(20);
    assertThat(desired()).containsExactly(2);
    loop.upsert(new ScalingTarget(REV, spec, false, 2));
    seconds(10);
    assertThat(desired())
        .as("no min-scale, delay or retention; the grace applies")
        .containsExactly(2, 1, 0);
  }

  @Test
  void theInitialExcessBurstCapacityIsPublished_andAChangeOfItsSignAlone() {
    loop.start();
    loop.upsert(new ScalingTarget(REV, DEFAULT, true, 3));
    assertThat(published).hasSize(1);
    assertThat(published.get(0).excessBurstCapacity())
        .as("initial scale 1 x 100 - 211")
        .isEqualTo(-111);
    for (int i = 0; i < 4; i++) {
      loop.report(List.of(new StatRecord(REV, 150, 150)));
      seconds(1);
    }
    assertThat(published).as("same scale, same sign: nothing new").hasSize(1);
    loop.upsert(new ScalingTarget(REV, DEFAULT, true, 5));
    for (int i = 0; i < 2; i++) {
      loop.report(List.of(new StatRecord(REV, 150, 150)));
      seconds(1);
    }
    assertThat(desired()).containsExactly(3, 3);
    assertThat(published.get(1).excessBurstCapacity()).as("5 x 100 - 211 - 150").isEqualTo(139);
  }

  @Test
  void unknownRevisionsAndRemovedOnesAreIgnored() {
    loop.start();
    loop.poke(REV);
    loop.report(List.of(new StatRecord(REV, 5, 5)));
    loop.upsert(new ScalingTarget(REV, SPEC, true, 0));
    loop.remove(REV);
    seconds(20);
    assertThat(desired()).containsExactly(1);
    assertThat(loop.lastDecision(REV)).isEmpty();
  }

  @Test
  void aFailingListenerDoesNotStopTheLoop() {
    List<ScaleDecision> seen = new ArrayList<>();
    ScalerLoop failing =
        new ScalerLoop(
            scheduler,
            ticker,
            Duration.ofSeconds(2),
            d -> {
              seen.add(d);
              throw new IllegalStateException("boom");
            });
    failing.start();
    failing.upsert(new ScalingTarget(REV, SPEC, true, 1));
    seconds(12);
    assertThat(seen).extracting(ScaleDecision::desiredScale).containsExactly(1, 0);
  }
}
