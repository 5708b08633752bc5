package dev.pilotlight.activator.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.probe.StartingProbes.Probe;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The probing rules in manual time. */
class StartingProbesTest {
  static final RevisionKey REV = new RevisionKey("default", "r-00001");
  static final ReadinessProbe HEALTHZ = ReadinessProbe.http("/healthz");
  static final Endpoint A = ep("a", 1001);
  static final Endpoint B = ep("b", 1002);

  final ManualTicker ticker = new ManualTicker();
  final StartingProbes probes =
      new StartingProbes(Duration.ofMillis(100), Duration.ofSeconds(60), ticker);

  static Endpoint ep(String id, int port) {
    return new Endpoint(id, "127.0.0.1", port, InstanceClass.STANDARD);
  }

  static RevisionEndpoints publish(List<Endpoint> ready, List<Endpoint> starting) {
    return new RevisionEndpoints(
        REV, 0, Duration.ofSeconds(30), null, null, ready, starting, HEALTHZ);
  }

  List<Endpoint> routable() {
    return probes.routable().ready();
  }

  @Test
  void aStartingInstanceIsProbedAtOnceThenEveryPeriod_oneInFlightAtATime() {
    probes.published(publish(List.of(), List.of(A)));
    assertThat(probes.nextDueNanos()).isEqualTo(ticker.nanoTime());
    List<Probe> first = probes.startDue();
    assertThat(first).extracting(Probe::endpoint).containsExactly(A);
    assertThat(first.get(0).target()).isEqualTo(HEALTHZ);
    // in flight: nothing more starts, however long it takes
    assertThat(probes.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
    ticker.advanceMillis(250);
    assertThat(probes.startDue()).isEmpty();
    assertThat(probes.finished(first.get(0), false)).isFalse();
    // it was due at 100 ms after the first start: starts at once now
    assertThat(probes.startDue()).extracting(Probe::endpoint).containsExactly(A);
  }

  @Test
  void failedProbesRepeatOnThePeriodMeasuredBetweenStarts() {
    long t0 = ticker.nanoTime();
    probes.published(publish(List.of(), List.of(A)));
    Probe p = probes.startDue().get(0);
    ticker.advanceMillis(3); // connection refused quickly
    probes.finished(p, false);
    assertThat(probes.nextDueNanos()).isEqualTo(t0 + Duration.ofMillis(100).toNanos());
    ticker.advanceMillis(96);
    assertThat(probes.startDue()).isEmpty();
    ticker.advanceMillis(1);
    p = probes.startDue().get(0);
    probes.finished(p, false);
    // started 2 ms late: the cadence is kept, the next one is due at 200 ms
    ticker.advanceMillis(2);
    assertThat(probes.nextDueNanos()).isEqualTo(t0 + Duration.ofMillis(200).toNanos());
    assertThat(routable()).isEmpty();
  }

  @Test
  void theFirstSuccessfulProbeMakesTheInstanceRoutableAtOnce_andEndsItsProbing() {
    probes.published(publish(List.of(B), List.of(A)));
    assertThat(routable()).containsExactly(B);
    Probe p = probes.startDue().get(0);
    assertThat(probes.finished(p, true)).isTrue();
    assertThat(routable()).containsExactly(B, A);
    assertThat(probes.routable().starting()).isEmpty();
    assertThat(probes.routable().probe()).isEqualTo(HEALTHZ);
    assertThat(probes.probing()).isFalse();
    assertThat(probes.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
    ticker.advanceSeconds(10);
    assertThat(probes.startDue()).isEmpty();
  }

  @Test
  void whenTheRuntimeLaterReportsItReadyNothingChanges_whenItDropsItItGoes() {
    probes.published(publish(List.of(), List.of(A)));
    probes.finished(probes.startDue().get(0), true);
    assertThat(routable()).containsExactly(A);
    // runtime still slower: same starting list published again (say a limits change)
    probes.published(publish(List.of(), List.of(A)));
    assertThat(routable()).containsExactly(A);
    probes.published(publish(List.of(A), List.of()));
    assertThat(routable()).containsExactly(A);
    assertThat(probes.startDue()).isEmpty();
    probes.published(publish(List.of(), List.of()));
    assertThat(routable()).isEmpty();
  }

  @Test
  void aProbedInstanceTheRuntimeDropsWhileStartingGoes() {
    probes.published(publish(List.of(), List.of(A, B)));
    List<Probe> both = probes.startDue();
    probes.finished(both.get(0), true);
    assertThat(routable()).containsExactly(A);
    probes.published(publish(List.of(), List.of(B)));
    assertThat(routable()).isEmpty();
    assertThat(probes.routable().starting()).containsExactly(B);
  }

  @Test
  void theResultOfAProbeOfAnInstanceRemovedMeanwhileIsDropped() {
    probes.published(publish(List.of(), List.of(A)));
    Probe stale = probes.startDue().get(0);
    probes.published(publish(List.of(), List.of()));
    probes.published(publish(List.of(), List.of(A))); // back (tracked afresh)
    assertThat(probes.finished(stale, true)).isFalse();
    assertThat(routable()).isEmpty();
    Probe current = probes.startDue().get(0);
    assertThat(current.token()).isNotEqualTo(stale.token());
    assertThat(probes.finished(current, true)).isTrue();
    assertThat(routable()).containsExactly(A);
  }

  @Test
  void anInstanceRestartedOnAnotherPortIsProbedAfresh() {
    probes.published(publish(List.of(), List.of(A)));
    probes.finished(probes.startDue().get(0), true);
    Endpoint restarted = ep("a", 2001);
    probes.published(publish(List.of(), List.of(restarted)));
    assertThat(routable()).isEmpty();
    assertThat(probes.startDue()).extracting(Probe::endpoint).containsExactly(restarted);
  }

  @Test
  void anInstanceTheRuntimeDemotesFromReadyIsTrusted_notProbedNorRouted() {
    probes.published(publish(List.of(A), List.of()));
    probes.published(publish(List.of(), List.of(A)));
    assertThat(routable()).isEmpty();
    assertThat(probes.startDue()).isEmpty();
    ticker.advanceSeconds(1);
    assertThat(probes.startDue()).isEmpty();
    // ready again, then dropped and started anew: probed like any new instance
    probes.published(publish(List.of(A), List.of()));
    assertThat(routable()).containsExactly(A);
    probes.published(publish(List.of(), List.of()));
    probes.published(publish(List.of(), List.of(A)));
    assertThat(probes.startDue()).extracting(Probe::endpoint).containsExactly(A);
  }

  @Test
  void eachInstanceHasItsOwnCadence() {
    long t0 = ticker.nanoTime();
    probes.published(publish(List.of(), List.of(A)));
    Probe a = probes.startDue().get(0);
    ticker.advanceMillis(30);
    probes.published(publish(List.of(), List.of(A, B)));
    assertThat(probes.nextDueNanos()).isEqualTo(t0 + Duration.ofMillis(30).toNanos());
    Probe b = probes.startDue().get(0);
    assertThat(b.endpoint()).isEqualTo(B);
    probes.finished(a, false);
    probes.finished(b, false);
    assertThat(probes.nextDueNanos()).isEqualTo(t0 + Duration.ofMillis(100).toNanos());
    ticker.advanceMillis(70);
    assertThat(probes.startDue()).extracting(Probe::endpoint).containsExactly(A);
    ticker.advanceMillis(30);
    assertThat(probes.startDue()).extracting(Probe::endpoint).containsExactly(B);
  }

  @Test
  void anInstanceIsProbedForAtMostTheMaximum_thenLeftToTheRuntime() {
    probes.published(publish(List.of(), List.of(A)));
    for (int i = 0; i < 600; i++) { // 60 s of failed probes, one per period
      List<Probe> due = probes.startDue();
      assertThat(due).as("probe %d", i).hasSize(1);
      probes.finished(due.get(0), false);
      ticker.advanceMillis(100);
    }
    assertThat(probes.startDue()).isEmpty();
    assertThat(probes.probing()).isFalse();
    assertThat(probes.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
    // the runtime still decides
    probes.published(publish(List.of(A), List.of()));
    assertThat(routable()).containsExactly(A);
  }

  @Test
  void withoutStartingInstancesTheRoutableViewIsThePublishedOne() {
    RevisionEndpoints published = publish(List.of(A), List.of());
    probes.published(published);
    assertThat(probes.routable()).isSameAs(published);
    assertThat(probes.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(probes.startDue()).isEmpty();
  }

  @Test
  void stoppedNothingIsProbedAndResultsInFlightAreDropped() {
    probes.published(publish(List.of(), List.of(A)));
    Probe p = probes.startDue().get(0);
    probes.stop();
    assertThat(probes.finished(p, true)).isFalse();
    assertThat(routable()).isEmpty();
    probes.published(publish(List.of(), List.of(A, B)));
    assertThat(probes.startDue()).isEmpty();
    assertThat(probes.nextDueNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void tcpIsTheDefaultProbe() {
    RevisionEndpoints e =
        new RevisionEndpoints(REV, 0, Duration.ofSeconds(30), List.of())
            .withInstances(List.of(), List.of(A));
    probes.published(e);
    assertThat(probes.startDue().get(0).target()).isEqualTo(ReadinessProbe.TCP);
    assertThat(ReadinessProbe.TCP.isHttp()).isFalse();
    assertThat(ReadinessProbe.http(null).httpPath()).isEqualTo("/");
  }
}
