package dev.pilotlight.cli.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.stats.HttpStatSink;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalingAnnotations;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.autoscaler.Autoscaler;
import dev.pilotlight.autoscaler.intake.StatIntakeServer;
import dev.pilotlight.testkit.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes mode's stat stream end to end: activator sink → HTTP intake → autoscaler → decision.
 */
class StatStreamIT {
  static final RevisionKey REV = new RevisionKey("default", "cold-00001");

  @Test
  void pokeAndStatsTravelOverHttpToADecision() throws Exception {
    List<ScaleDecision> decisions = new CopyOnWriteArrayList<>();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (Autoscaler autoscaler =
            new Autoscaler(scheduler, Ticker.system(), Duration.ofMillis(200), decisions::add);
        StatIntakeServer intake = new StatIntakeServer("127.0.0.1", 0, "token", autoscaler)) {
      int port = intake.start();
      autoscaler.start();
      autoscaler.upsert(
          new ScalingTarget(
              REV,
              ScalingSpecs.resolve(
                      Map.of(AutoscalingAnnotations.TARGET, "10"), 0, AutoscalerConfig.DEFAULTS)
                  .withInitialScale(0),
              true,
              0));
      Await.until("initial decision", Duration.ofSeconds(10), () -> !decisions.isEmpty());

      HttpStatSink sink =
          new HttpStatSink(URI.create("http://127.0.0.1:" + port), "token", "activator-1");
      sink.poke(REV);
      Await.until("woken by the poke", Duration.ofSeconds(10), () -> last(decisions) == 1);
      sink.report(List.of(new StatRecord(REV, 40, 80)));
      Await.until(
          "scaled on the reported concurrency", Duration.ofSeconds(10), () -> last(decisions) >= 2);

      HttpStatSink intruder =
          new HttpStatSink(URI.create("http://127.0.0.1:" + port), "wrong", "activator-2");
      intruder.report(List.of(new StatRecord(REV, 1000, 1)));
      Await.until("refused", Duration.ofSeconds(10), () -> intake.metrics().unauthorized() == 1);
      // the intake counts before the intruder has read its 401: wait for the client side too
      Await.until("intruder saw the refusal", Duration.ofSeconds(10), () -> intruder.failed() == 1);
      assertThat(sink.failed()).isZero();
    } finally {
      scheduler.shutdownNow();
    }
  }

  static int last(List<ScaleDecision> decisions) {
    return decisions.isEmpty() ? -1 : decisions.get(decisions.size() - 1).desiredScale();
  }
}
