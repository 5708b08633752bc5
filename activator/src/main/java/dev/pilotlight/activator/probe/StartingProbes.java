package dev.pilotlight.activator.probe;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Early readiness of one revision's starting instances, decided without I/O: which instance to
 * probe when, and which instances the gateway routes to.
 *
 * <p>Rules. Every instance the runtime publishes as starting is probed at once, then every {@link
 * #period} (measured between probe starts), with at most one probe in flight per instance, for at
 * most {@link #MAX_PROBING} (then the runtime's own readiness signal is left to decide). Its first
 * successful probe makes it routable at once: {@link #routable()} then lists it among the ready
 * instances, even though the runtime has not reported it ready yet; it is not probed again. When
 * the runtime later publishes it as ready nothing changes; when the runtime stops publishing it (as
 * ready or starting) it is gone. An instance the runtime had published as ready and then publishes
 * as starting again lost its readiness in the runtime's eyes: that is trusted, the instance is
 * neither routed to nor probed until the runtime reports it ready again. An instance restarted on
 * another port is another {@link Endpoint}, probed afresh. A probe's result counts only for the
 * probe last started on an instance that is still tracked (a result of a probe of an instance
 * removed and published again in the meantime is dropped).
 *
 * <p>Not thread-safe: the owner serializes calls. Time comes from the injected {@link Ticker}.
 */
public final class StartingProbes {
  /** How often a starting instance is probed. */
  public static final Duration PERIOD = Duration.ofMillis(100);

  /** Longest a probe may take, connect and response together: below {@link #PERIOD}. */
  public static final Duration TIMEOUT = Duration.ofMillis(80);

  /**
   * How long one starting instance is probed at most: a bound for an instance that never answers
   * and a runtime that never says more about it.
   */
  public static final Duration MAX_PROBING = Duration.ofMinutes(10);

  /**
   * One probe to run.
   *
   * @param token identifies this probe to {@link #finished}
   */
  public record Probe(Endpoint endpoint, ReadinessProbe target, long token) {}

  /** A starting instance being probed. */
  private static final class Tracked {
    final long giveUpAt;
    long nextDue;
    long inFlight; // token of the probe in flight, 0 = none
    boolean passed;
    boolean gaveUp;

    Tracked(long now, long maxProbingNanos) {
      this.nextDue = now;
      this.giveUpAt = now + maxProbingNanos;
    }

    /** Whether a probe may start (now or later): not passed, none in flight, not given up. */
    boolean idle() {
      return !passed && !gaveUp && inFlight == 0;
    }
  }

  private final long periodNanos;
  private final long maxProbingNanos;
  private final Ticker ticker;
  private final Map<Endpoint, Tracked> tracked = new LinkedHashMap<>();
  private final Set<Endpoint> demoted = new HashSet<>();
  private Set<Endpoint> lastReady = Set.of();
  private RevisionEndpoints published;
  private RevisionEndpoints routable;
  private long tokens;
  private boolean stopped;

  public StartingProbes(Ticker ticker) {
    this(PERIOD, MAX_PROBING, ticker);
  }

  /**
   * @param period time between the starts of two probes of one instance
   * @param maxProbing how long one instance is probed at most
   */
  public StartingProbes(Duration period, Duration maxProbing, Ticker ticker) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    this.periodNanos = period.toNanos();
    this.maxProbingNanos = maxProbing.toNanos();
    this.ticker = ticker;
  }

  public Duration period() {
    return Duration.ofNanos(periodNanos);
  }

  /** The runtime published the revision's instances; {@link #routable()} follows at once. */
  public void published(RevisionEndpoints endpoints) {
    long now = ticker.nanoTime();
    Set<Endpoint> ready = new HashSet<>(endpoints.ready());
    Set<Endpoint> starting = new LinkedHashSet<>(endpoints.starting());
    starting.removeAll(ready);
    for (Endpoint e : starting) {
      if (lastReady.contains(e)) {
        demoted.add(e); // was ready, is not any more: the runtime says so
      }
    }
    demoted.retainAll(starting);
    tracked.keySet().retainAll(starting);
    tracked.keySet().removeAll(demoted);
    if (!stopped) {
      for (Endpoint e : starting) {
        if (!demoted.contains(e)) {
          tracked.computeIfAbsent(e, k -> new Tracked(now, maxProbingNanos));
        }
      }
    }
    lastReady = ready;
    published = endpoints;
    recompute();
  }

  /**
   * The probes to start now, each marked in flight: instances whose probe is due and none in
   * flight, in the order the runtime published them.
   */
  public List<Probe> startDue() {
    if (published == null) {
      return List.of();
    }
    long now = ticker.nanoTime();
    List<Probe> due = new ArrayList<>();
    for (Map.Entry<Endpoint, Tracked> e : tracked.entrySet()) {
      Tracked t = e.getValue();
      if (t.idle() && t.giveUpAt - now <= 0) {
        t.gaveUp = true;
        continue;
      }
      if (t.idle() && t.nextDue - now <= 0) {
        t.inFlight = ++tokens;
        // keep the cadence when started late, without catching up in a burst
        t.nextDue = Math.max(t.nextDue + periodNanos, now);
        due.add(new Probe(e.getKey(), published.probe(), t.inFlight));
      }
    }
    return due;
  }

  /**
   * A probe ended ({@code ok}: the instance answered as ready). Returns true when that made the
   * instance routable, so {@link #routable()} changed.
   */
  public boolean finished(Probe probe, boolean ok) {
    Tracked t = tracked.get(probe.endpoint());
    if (t == null || t.inFlight != probe.token()) {
      return false; // the instance is gone, or this is not its current probe
    }
    t.inFlight = 0;
    if (!ok || t.passed) {
      return false;
    }
    t.passed = true;
    recompute();
    return true;
  }

  /**
   * When the next probe is due (ticker nanos; may be in the past), or {@link Long#MAX_VALUE} when
   * no probe can start (nothing to probe, or every probe due is in flight: {@link #finished} comes
   * first).
   */
  public long nextDueNanos() {
    long next = Long.MAX_VALUE;
    boolean any = false;
    for (Tracked t : tracked.values()) {
      if (t.idle()) {
        next = any ? (t.nextDue - next < 0 ? t.nextDue : next) : t.nextDue;
        any = true;
      }
    }
    return next;
  }

  /** Whether any instance is still being probed (neither passed nor given up). */
  public boolean probing() {
    for (Tracked t : tracked.values()) {
      if (!t.passed && !t.gaveUp) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the gateway routes by: the last published endpoints with the instances that passed a probe
   * moved from {@code starting} to {@code ready} (after the runtime's ready ones). The published
   * object itself while no starting instance has passed. Null before the first {@link #published}.
   */
  public RevisionEndpoints routable() {
    return routable;
  }

  /** No more probes: the revision is gone. Results of probes in flight are dropped. */
  public void stop() {
    stopped = true;
    tracked.clear();
    if (published != null) {
      recompute();
    }
  }

  private void recompute() {
    List<Endpoint> passed = new ArrayList<>();
    for (Map.Entry<Endpoint, Tracked> e : tracked.entrySet()) {
      if (e.getValue().passed) {
        passed.add(e.getKey());
      }
    }
    if (passed.isEmpty()) {
      routable = published;
      return;
    }
    List<Endpoint> ready = new ArrayList<>(published.ready());
    ready.addAll(passed);
    List<Endpoint> starting = new ArrayList<>(published.starting());
    starting.removeAll(passed);
    routable = published.withInstances(ready, starting);
  }
}
