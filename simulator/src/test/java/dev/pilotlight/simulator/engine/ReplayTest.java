package dev.pilotlight.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.simulator.policy.Policies;
import dev.pilotlight.simulator.policy.Policy;
import dev.pilotlight.simulator.trace.CsvTrace;
import dev.pilotlight.simulator.trace.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny traces whose answers are known by hand. 2 s cold starts, 1 GiB instances. */
class ReplayTest {
  @TempDir Path dir;

  static final long MIN = 60_000;

  Trace csv(String... rows) throws Exception {
    Path f = dir.resolve("t.csv");
    List<String> lines = new ArrayList<>(List.of(CsvTrace.HEADER));
    lines.addAll(List.of(rows));
    Files.write(f, lines);
    return CsvTrace.read(f, 1024);
  }

  /** Eight requests of 100 ms, 15 minutes apart (the first at time 0, on the deployed instance). */
  Trace everyFifteenMinutes() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      rows.add("fn," + k * 15 * MIN + ",100");
    }
    return csv(rows.toArray(String[]::new));
  }

  static PolicyResult run(Trace t, String policy) {
    return run(t, policy, SimConfig.defaults());
  }

  static PolicyResult run(Trace t, String policy, SimConfig c) {
    Policy p = Policies.parse(policy, AutoscalerConfig.DEFAULTS, c.containerConcurrency());
    return new Replay(t, p, c).run();
  }

  @Test
  void everyFifteenMinutesWithATenMinuteKeepAlive_everyRequestAfterTheFirstIsCold()
      throws Exception {
    PolicyResult r = run(everyFifteenMinutes(), "keepalive-10m");
    assertThat(r.invocations()).isEqualTo(8);
    assertThat(r.coldStarts()).isEqualTo(7);
    assertThat(r.coldWaitP50Ms()).as("the cold start, 2 s").isCloseTo(2000, within(20.0));
    assertThat(r.waitP50Ms()).isCloseTo(2000, within(20.0));
  }

  @Test
  void knativeDefaults_everyRequestAfterTheFirstIsCold() throws Exception {
    PolicyResult r = run(everyFifteenMinutes(), "knative-default");
    assertThat(r.coldStarts()).isEqualTo(7);
    // each request but the last: a 2 s start, 60 s window and 30 s grace on 2 s ticks, 92..96 s
    // of 1 GiB; the trace ends as the last one is answered
    assertThat(r.standardGbS()).isBetween(7 * 90.0, 7 * 98.0);
    assertThat(r.reserveGbS()).isZero();
  }

  @Test
  void twentyMinuteKeepAlive_noRequestIsCold() throws Exception {
    assertThat(run(everyFifteenMinutes(), "keepalive-20m").coldStarts()).isZero();
  }

  @Test
  void minScaleOne_noneCold_oneInstanceTheWholeWindow() throws Exception {
    Trace t = everyFifteenMinutes();
    PolicyResult r = run(t, "min-scale-1");
    assertThat(r.coldStarts()).isZero();
    assertThat(r.standardGbS()).isEqualTo(t.windowNanos() / 1e9);
    assertThat(r.waitP99Ms()).isZero();
  }

  @Test
  void pilotLight_theReserveServesEveryRequestAfterIdle_standardStartsBehindIt() throws Exception {
    Trace t = everyFifteenMinutes();
    PolicyResult r = run(t, "pilot-light");
    assertThat(r.coldStarts()).isZero();
    // standard: as with Knative's defaults (the reserve's request pokes); the reserve at a quarter
    // of 1 GiB whenever no standard instance runs
    assertThat(r.standardGbS()).isBetween(7 * 90.0, 7 * 100.0);
    double window = t.windowNanos() / 1e9;
    assertThat(r.reserveGbS()).isBetween(0.25 * (window - 8 * 100), 0.25 * window);
  }

  @Test
  void pilotLightServingOneAlone_noStandardInstanceAfterTheFirstIdle() throws Exception {
    Trace t = everyFifteenMinutes();
    PolicyResult r = run(t, "pilot-light-serves-1");
    assertThat(r.coldStarts()).isZero();
    assertThat(r.standardGbS()).as("only the deployed one, until ~92 s").isBetween(90.0, 100.0);
    double window = t.windowNanos() / 1e9;
    assertThat(r.reserveGbS()).isCloseTo(0.25 * (window - 92), within(3.0));
  }

  @Test
  void aBurstOfTenWithContainerConcurrencyOne_nineWaitForNewInstances() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      rows.add("fn,0,1000");
    }
    Trace t = csv(rows.toArray(String[]::new));
    PolicyResult r = run(t, "min-scale-1", SimConfig.defaults().withContainerConcurrency(1));
    assertThat(r.invocations()).isEqualTo(10);
    assertThat(r.coldStarts()).isEqualTo(9);
  }

  @Test
  void prewarmOnATimer_coldOnlyUntilTheHistogramIsRepresentative() throws Exception {
    List<String> rows = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      rows.add("fn," + k * 10 * MIN + ",100");
    }
    Trace t = csv(rows.toArray(String[]::new));
    PolicyResult knative = run(t, "knative-default");
    PolicyResult prewarm = run(t, "prewarm");
    assertThat(knative.coldStarts()).isEqualTo(39);
    // ten idle times make the histogram representative: the 11th request on is prewarmed
    assertThat(prewarm.coldStarts()).isEqualTo(10);
  }

  @Test
  void sameSeedSameResult() throws Exception {
    Trace t = everyFifteenMinutes();
    assertThat(run(t, "pilot-light-prewarm")).isEqualTo(run(t, "pilot-light-prewarm"));
  }
}
