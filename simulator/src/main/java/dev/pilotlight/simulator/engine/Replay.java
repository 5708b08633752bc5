package dev.pilotlight.simulator.engine;

import dev.pilotlight.activator.stats.ConcurrencyAccumulator;
import dev.pilotlight.activator.stats.StatReporter;
import dev.pilotlight.activator.throttle.Refusal;
import dev.pilotlight.activator.throttle.RevisionThrottler;
import dev.pilotlight.activator.throttle.Slot;
import dev.pilotlight.activator.throttle.Waiter;
import dev.pilotlight.api.autoscaling.ScalingSpec;
import dev.pilotlight.api.autoscaling.ScalingSpecs;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScalingTarget;
import dev.pilotlight.autoscaler.Autoscaler;
import dev.pilotlight.controller.reserve.PilotLight;
import dev.pilotlight.simulator.policy.Policy;
import dev.pilotlight.simulator.trace.ArrivalCursor;
import dev.pilotlight.simulator.trace.Trace;
import dev.pilotlight.simulator.trace.TraceFunction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy over one trace, in virtual time. The real parts, wired as local mode wires them: the
 * autoscaler ({@link Autoscaler}: its loop, decider, windows, pokes and the prewarm policy) ticking
 * on the {@link VirtualScheduler}; per revision the gateway's {@link RevisionThrottler} (slots,
 * holding, the reserve preference, pokes) and {@link ConcurrencyAccumulator} reported each second
 * by the gateway's {@link StatReporter}; and the controller's use of {@link PilotLight} (which
 * instances run, the handover, the reserve's drain). What is simulated: instances (a start takes
 * the cold-start time, then the instance is ready; a request occupies its slot for its duration)
 * and the few lines of the gateway's exchange and the local controller that call those parts.
 *
 * <p>Every revision starts with one ready standard instance, as if deployed before the trace began.
 * A request that is held (no instance with room) is a cold start; its wait is the time held. Memory
 * is billed from an instance's start to its stop (once its requests in flight have ended).
 */
public final class Replay {
  private static final Logger LOG = LoggerFactory.getLogger(Replay.class);
  private static final long US = 1_000L;

  private final Trace trace;
  private final Policy policy;
  private final SimConfig config;
  private final VirtualScheduler clock = new VirtualScheduler();
  private final Autoscaler autoscaler;
  private final StatReporter stats;
  private final Rev[] revs;
  private final Map<RevisionKey, Rev> byKey = new HashMap<>();
  private final ScalingSpec spec;
  private final Optional<ReserveSpec> reserveSpec;
  private final Histogram waits = new Histogram(3_600_000_000L, 2);
  private final Histogram coldWaits = new Histogram(3_600_000_000L, 2);
  private long decisions;

  public Replay(Trace trace, Policy policy, SimConfig config) {
    this.trace = trace;
    this.policy = policy;
    this.config = config;
    this.spec =
        ScalingSpecs.resolve(
            policy.annotations(), config.containerConcurrency(), config.autoscaler());
    this.reserveSpec = ReserveSpecs.resolve(policy.annotations(), config.containerConcurrency());
    this.autoscaler =
        new Autoscaler(clock, clock, config.autoscaler().tickInterval(), this::onDecision);
    this.stats = new StatReporter(clock, autoscaler);
    List<TraceFunction> fns = trace.functions();
    this.revs = new Rev[fns.size()];
    SplittableRandom picks = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
    for (int i = 0; i < revs.length; i++) {
      revs[i] = new Rev(fns.get(i), picks.split());
      byKey.put(revs[i].key, revs[i]);
    }
  }

  /** Runs the whole trace; call once. */
  public PolicyResult run() {
    for (Rev r : revs) {
      r.deployed();
    }
    clock.drainImmediate();
    autoscaler.start();
    long interval = config.statInterval().toNanos();
    clock.scheduleAtFixedRate(stats::report, interval, interval, TimeUnit.NANOSECONDS);
    long end = trace.windowNanos();
    try (ArrivalCursor arrivals = trace.arrivals(config.seed())) {
      boolean more = arrivals.next();
      while (true) {
        long task = clock.nextDue();
        long arrival = more ? arrivals.timeNanos() : Long.MAX_VALUE;
        if (Math.min(task, arrival) >= end) {
          break;
        }
        if (task <= arrival) {
          clock.runNext();
        } else {
          clock.advanceTo(arrival);
          revs[arrivals.function()].arrive(arrivals.durationNanos());
          clock.drainImmediate();
          more = arrivals.next();
        }
      }
    }
    clock.advanceTo(end);
    autoscaler.close();
    List<FunctionResult> functions = new ArrayList<>(revs.length);
    long invocations = 0;
    long cold = 0;
    double standard = 0;
    double reserve = 0;
    for (Rev r : revs) {
      FunctionResult f = r.finish(end);
      functions.add(f);
      invocations += f.invocations();
      cold += f.coldStarts();
      standard += f.standardGbS();
      reserve += f.reserveGbS();
    }
    return new PolicyResult(
        policy,
        invocations,
        cold,
        ms(waits, 50),
        ms(waits, 99),
        ms(coldWaits, 50),
        ms(coldWaits, 99),
        standard,
        reserve,
        decisions,
        functions);
  }

  private void recordWait(long nanos) {
    long us = Math.min(waits.getHighestTrackableValue(), Math.max(0, nanos / US));
    waits.recordValue(us);
    coldWaits.recordValue(us);
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private void onDecision(ScaleDecision d) {
    Rev r = byKey.get(d.revision());
    if (r != null) {
      decisions++;
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{} t={}s {}: scale {} ({})",
            policy.name(),
            String.format(java.util.Locale.ROOT, "%.3f", clock.nanoTime() / 1e9),
            d.revision().name(),
            d.desiredScale(),
            d.reason());
      }
      r.desired = d.desiredScale();
      r.reconcile();
    }
  }

  /** A simulated instance. */
  private static final class Instance {
    final Endpoint endpoint;
    final boolean reserve;
    final int number;
    final long startNanos;
    boolean ready;
    boolean stopping;
    boolean billed;
    int inFlight;
    ScheduledFuture<?> readying;

    Instance(Endpoint endpoint, boolean reserve, int number, long startNanos) {
      this.endpoint = endpoint;
      this.reserve = reserve;
      this.number = number;
      this.startNanos = startNanos;
    }
  }

  /** One request: waits for a slot, then holds it for its duration. */
  private final class Request extends Event implements Waiter {
    final Rev rev;
    final long arrivalNanos;
    final long durationNanos;
    Slot slot;
    Instance instance;

    Request(Rev rev, long arrivalNanos, long durationNanos) {
      this.rev = rev;
      this.arrivalNanos = arrivalNanos;
      this.durationNanos = durationNanos;
    }

    @Override
    public void granted(Slot s) {
      rev.held.remove(this);
      recordWait(clock.nanoTime() - arrivalNanos);
      serve(s);
    }

    @Override
    public void revoked(Refusal why) {
      rev.held.remove(this);
    }

    void serve(Slot s) {
      slot = s;
      instance = rev.instances.get(s.endpoint().id());
      instance.inFlight++;
      clock.add(this, clock.nanoTime() + durationNanos);
    }

    /** The response is complete: the slot is free, the instance may stop. */
    @Override
    void fire() {
      long now = clock.nanoTime();
      rev.throttler.release(slot);
      rev.accumulator.finished(now);
      instance.inFlight--;
      if (instance.stopping && instance.inFlight == 0) {
        rev.bill(instance, now);
      }
    }
  }

  /** One revision: its gateway parts, its controller state and its instances. */
  private final class Rev {
    final RevisionKey key;
    final TraceFunction fn;
    final double standardGb;
    final double reserveGb;
    final RevisionThrottler throttler;
    final ConcurrencyAccumulator accumulator;
    final Map<String, Instance> instances = new HashMap<>();
    final List<Instance> standard = new ArrayList<>();
    final ArrayDeque<Request> held = new ArrayDeque<>();
    Instance reserve;
    Integer desired;
    PilotLight.State pilot = PilotLight.State.OFF;
    ScheduledFuture<?> recheck;
    int upserted = -1;
    int sequence;
    long invocations;
    long cold;
    double standardGbNanos;
    double reserveGbNanos;

    Rev(TraceFunction fn, SplittableRandom picks) {
      this.key = new RevisionKey("sim", fn.name());
      this.fn = fn;
      this.standardGb = fn.memoryMb() / 1024.0;
      this.reserveGb = standardGb * config.reserveFraction();
      this.throttler =
          new RevisionThrottler(
              10_000, config.timeout(), picks::nextInt, clock, () -> autoscaler.poke(key));
      this.accumulator = stats.of(key);
    }

    /** Time 0: one standard instance ready, the autoscaler told. */
    void deployed() {
      Instance i = newInstance(false);
      i.ready = true;
      standard.add(i);
      publish();
      upsert();
    }

    void arrive(long durationNanos) {
      long now = clock.nanoTime();
      invocations++;
      accumulator.arrived(now);
      Request r = new Request(this, now, durationNanos);
      RevisionThrottler.Acquire a = throttler.acquire(r);
      if (a instanceof RevisionThrottler.Granted g) {
        waits.recordValue(0);
        r.serve(g.slot());
      } else if (a instanceof RevisionThrottler.Queued) {
        cold++;
        held.add(r);
        autoscaler.poke(key); // as the gateway's exchange does for every held request
      } else {
        // the holding queue is full: answered 503 at once; counted as a cold start that never
        // got an instance
        cold++;
        accumulator.finished(now);
      }
    }

    /** The local controller's reconcile: the pilot light decides, instances follow. */
    void reconcile() {
      if (desired == null) {
        return;
      }
      long now = clock.nanoTime();
      PilotLight.Observed o =
          new PilotLight.Observed(
              reserveSpec.isPresent(),
              true,
              desired,
              readyStandard(),
              reserve != null && reserve.ready,
              reserve == null ? 0 : reserve.inFlight);
      PilotLight.Decision d = PilotLight.decide(o, pilot, config.timeout(), now);
      pilot = d.state();
      boolean changed = false;
      if (reserveSpec.isPresent()) {
        if (d.reserveRunning() && reserve == null) {
          reserve = start(true);
        } else if (!d.reserveRunning() && reserve != null) {
          changed |= stop(reserve);
          reserve = null;
        }
      }
      int active = 0;
      for (Instance i : standard) {
        if (!i.stopping) {
          active++;
        }
      }
      for (int n = active; n < d.standardReplicas(); n++) {
        standard.add(start(false));
      }
      for (int n = active; n > d.standardReplicas(); n--) {
        changed |= stop(victim());
      }
      standard.removeIf(i -> i.stopping);
      if (changed) {
        publish();
        upsert();
      }
      if (recheck != null) {
        recheck.cancel(false);
        recheck = null;
      }
      if (d.recheckAfter() != null) {
        recheck =
            clock.schedule(
                () -> {
                  recheck = null;
                  reconcile();
                },
                d.recheckAfter().toNanos(),
                TimeUnit.NANOSECONDS);
      }
    }

    /** As the local runtime picks: a starting instance first, then the newest ready one. */
    private Instance victim() {
      Instance v = null;
      for (Instance i : standard) {
        if (!i.stopping && (v == null || (i.ready != v.ready ? !i.ready : i.number > v.number))) {
          v = i;
        }
      }
      return v;
    }

    Instance newInstance(boolean isReserve) {
      int number = ++sequence;
      String id = fn.name() + (isReserve ? "-reserve-" : "-") + number;
      Instance i =
          new Instance(
              new Endpoint(
                  id, "sim", 0, isReserve ? InstanceClass.RESERVE : InstanceClass.STANDARD),
              isReserve,
              number,
              clock.nanoTime());
      instances.put(id, i);
      return i;
    }

    private Instance start(boolean isReserve) {
      Instance i = newInstance(isReserve);
      i.readying =
          clock.schedule(() -> ready(i), config.coldStart().toNanos(), TimeUnit.NANOSECONDS);
      return i;
    }

    private void ready(Instance i) {
      i.readying = null;
      if (i.stopping) {
        return;
      }
      i.ready = true;
      publish(); // straight to the gateway, as the local controller does
      clock.execute(
          () -> {
            upsert();
            reconcile();
          });
    }

    /** Stops an instance; true when it was routed to (the endpoints change). */
    private boolean stop(Instance i) {
      i.stopping = true;
      long now = clock.nanoTime();
      if (!i.ready) {
        if (i.readying != null) {
          i.readying.cancel(false);
        }
        bill(i, now);
        return false;
      }
      if (i.inFlight == 0) {
        bill(i, now);
      }
      return true;
    }

    void bill(Instance i, long until) {
      if (i.billed) {
        return;
      }
      i.billed = true;
      double gbNanos = (i.reserve ? reserveGb : standardGb) * (until - i.startNanos);
      if (i.reserve) {
        reserveGbNanos += gbNanos;
      } else {
        standardGbNanos += gbNanos;
      }
      instances.remove(i.endpoint.id());
    }

    int readyStandard() {
      int n = 0;
      for (Instance i : standard) {
        if (i.ready && !i.stopping) {
          n++;
        }
      }
      return n;
    }

    void publish() {
      List<Endpoint> ready = new ArrayList<>(standard.size() + 1);
      for (Instance i : standard) {
        if (i.ready && !i.stopping) {
          ready.add(i.endpoint);
        }
      }
      if (reserve != null && reserve.ready && !reserve.stopping) {
        ready.add(reserve.endpoint);
      }
      RevisionEndpoints.Reserve limits =
          reserveSpec
              .map(s -> new RevisionEndpoints.Reserve(s.containerConcurrency(), s.servesUpTo()))
              .orElse(null);
      throttler.update(
          new RevisionEndpoints(
              key,
              config.containerConcurrency(),
              config.timeout(),
              null,
              null,
              ready,
              List.of(),
              null,
              limits));
    }

    void upsert() {
      int ready = readyStandard();
      if (ready != upserted) {
        upserted = ready;
        autoscaler.upsert(new ScalingTarget(key, spec, true, ready));
      }
    }

    FunctionResult finish(long end) {
      for (Request r : held) {
        recordWait(end - r.arrivalNanos); // still held when the trace ends
      }
      for (Instance i : List.copyOf(instances.values())) {
        bill(i, end);
      }
      return new FunctionResult(
          fn.name(),
          fn.id(),
          fn.trigger(),
          fn.memoryMb(),
          invocations,
          cold,
          standardGbNanos / 1e9,
          reserveGbNanos / 1e9);
    }
  }
}
