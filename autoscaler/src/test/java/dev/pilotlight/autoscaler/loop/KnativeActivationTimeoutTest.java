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
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The activation-timeout cases of Knative's pkg/reconciler/autoscaling/kpa/scaler_test.go
 * (TestScaler), on the loop with manual time: a revision woken from zero (activating: one instance
 * wanted, none ready) for a given time, while its decider wants zero; Knative's progress deadline
 * of the test is config-deployment's default (600 s), the timeout that plus 30 s. The expected
 * value is the scale asked for afterwards.
 */
class KnativeActivationTimeoutTest {
  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final long TIMEOUT = 600 + 30;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "waits to scale to zero while activating until after deadline exceeded",
            Map.of(),
            TIMEOUT / 2,
            1),
        Arguments.of(
            "scale to zero while activating after deadline exceeded", Map.of(), TIMEOUT + 1, 0),
        Arguments.of(
            "scale to zero while activating after revision deadline exceeded",
            Map.of(DeploymentConfigs.PROGRESS_DEADLINE_ANNOTATION, "5s"),
            5 + 30 + 1,
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void knativesCase(String label, Map<String, String> annotations, long activatingFor, int want) {
    Map<String, String> a = new HashMap<>(annotations);
    a.put(AutoscalingAnnotations.WINDOW, "6s");
    ScalingSpec spec =
        ScalingSpecs.resolve(
            a, 0, AutoscalerConfig.DEFAULTS.withScaleToZeroGrace(Duration.ofSeconds(2)));
    ManualTicker ticker = new ManualTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<ScaleDecision> published = new ArrayList<>();
    ScalerLoop loop = new ScalerLoop(scheduler, ticker, Duration.ofSeconds(2), published::add);
    loop.start();
    loop.upsert(new ScalingTarget(REV, spec, true, 1));
    scheduler.advance(40, TimeUnit.SECONDS);
    loop.upsert(new ScalingTarget(REV, spec, true, 0));
    assertThat(published).last().extracting(ScaleDecision::desiredScale).isEqualTo(0);

    loop.poke(REV); // activating from here: one wanted, none ready, no data after it
    // Knative reconciles at that moment; the loop decides on its 2 s ticks: the next one
    scheduler.advance(activatingFor + 1, TimeUnit.SECONDS);
    assertThat(published).last().extracting(ScaleDecision::desiredScale).isEqualTo(want);
  }
}
