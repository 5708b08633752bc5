package dev.pilotlight.activator.throttle;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * One revision's capacity and holding queue.
 *
 * <p>Design: capacity is the ready instances times {@code containerConcurrency} (unbounded at 0). A
 * request takes a slot on an instance with room — first-available round robin under a hard limit,
 * the less loaded of two random picks without one — or waits in a bounded FIFO queue. Every event
 * that adds room (a slot released, instances published) drains the queue in arrival order, handing
 * slots to waiters directly, so a held request leaves the moment an instance is ready with no
 * polling. One small lock per revision; waiters are called under it and must only hand off to their
 * event loop.
 *
 * <p>Several gateway replicas: with a limit, each replica uses only its share of every instance's
 * limit ({@link CapacityShare}), given by {@link #replicas}, so together they never send an
 * instance more than its limit.
 *
 * <p>The pilot light: standard instances are preferred; the reserve instance takes requests (up to
 * its own concurrency limit) only while no standard instance is ready, and a request given to it
 * then pokes the autoscaler unless the revision's in-flight requests are within what the reserve
 * serves alone. Standard instances at their limit never spill over to the reserve: the request is
 * held, as without a reserve.
 */
public final class RevisionThrottler {
  /** What {@link #acquire} did. */
  public sealed interface Acquire permits Granted, Queued, Rejected {}

  public record Granted(Slot slot) implements Acquire {}

  public record Queued() implements Acquire {}

  public record Rejected(Refusal why) implements Acquire {}

  private static final Queued QUEUED = new Queued();
  private static final Rejected QUEUE_FULL = new Rejected(Refusal.QUEUE_FULL);
  private static final Rejected REMOVED = new Rejected(Refusal.REVISION_REMOVED);
  private static final Rejected STOPPING = new Rejected(Refusal.GATEWAY_STOPPING);

  /** How long an instance whose connection failed is passed over while others can serve. */
  static final Duration EJECTION = Duration.ofSeconds(5);

  private final Ticker ticker;
  private final int maxQueued;
  private final IntUnaryOperator random;
  private final Runnable poke;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Pool standard = new Pool();
  private final Pool reserve = new Pool();
  private int reserveServesUpTo;
  private Duration timeout;
  private Timeouts timeouts;
  private boolean removed;
  private boolean stopping;
  private volatile int replicaIndex;
  private volatile int replicaCount = 1;

  public RevisionThrottler(int maxQueued, Duration timeout, IntUnaryOperator random) {
    this(maxQueued, timeout, random, Ticker.system());
  }

  /**
   * @param ticker time for passing over instances whose connections failed
   */
  public RevisionThrottler(
      int maxQueued, Duration timeout, IntUnaryOperator random, Ticker ticker) {
    this(maxQueued, timeout, random, ticker, () -> {});
  }

  /**
   * @param poke asks the autoscaler for standard instances now (see {@link
   *     dev.pilotlight.api.spi.StatSink#poke}); called when the reserve takes a request beyond what
   *     it serves alone, outside the lock
   */
  public RevisionThrottler(
      int maxQueued, Duration timeout, IntUnaryOperator random, Ticker ticker, Runnable poke) {
    this.ticker = ticker;
    this.maxQueued = maxQueued;
    this.timeout = timeout;
    this.timeouts = new Timeouts(timeout, null, null);
    this.random = random;
    this.poke = poke;
  }

  public synchronized Duration timeout() {
    return timeout;
  }

  /** The revision's request timeouts, as last published. */
  /** A problem longer than this is cut: it goes into a response. */
  static final int MAX_PROBLEM = 1024;

  private String problem;

  public synchronized Timeouts timeouts() {
    return timeouts;
  }

  /** Takes a slot now, or queues {@code waiter}, or rejects it when the queue is full. */
  public Acquire acquire(Waiter waiter) {
    Acquire a;
    boolean pokeNow = false;
    synchronized (this) {
      a = acquireLocked(waiter);
      if (a instanceof Granted g && g.slot().endpoint().instanceClass() == InstanceClass.RESERVE) {
        pokeNow = inFlight() > reserveServesUpTo;
      }
    }
    if (pokeNow) {
      poke.run();
    }
    return a;
  }

  private Acquire acquireLocked(Waiter waiter) {
    if (removed) {
      return REMOVED;
    }
    if (queue.isEmpty()) {
      Slot s = pick();
      if (s != null) {
        s.inFlight++;
        return new Granted(s);
      }
    }
    if (stopping) {
      return STOPPING;
    }
    if (queue.size() >= maxQueued) {
      return QUEUE_FULL;
    }
    queue.add(waiter);
    return QUEUED;
  }

  /** Removes a waiting request (deadline or client gone); false when it was already granted. */
  public synchronized boolean cancel(Waiter waiter) {
    return queue.remove(waiter);
  }

  /**
   * A connection to {@code slot}'s instance failed: pass it over for {@link #EJECTION} while other
   * instances have room (a crashed instance until the runtime publishes its removal).
   */
  public synchronized void connectFailed(Slot slot) {
    slot.ejectedUntil = ticker.nanoTime() + EJECTION.toNanos();
  }

  public synchronized void release(Slot slot) {
    slot.inFlight = Math.max(0, slot.inFlight - 1);
    drain();
  }

  /** New ready instances and limits; in-flight counts carry over for instances that remain. */
  public synchronized void update(RevisionEndpoints endpoints) {
    Map<String, Slot> old = new HashMap<>();
    for (Slot s : standard.slots) {
      old.put(s.endpoint().id(), s);
    }
    for (Slot s : reserve.slots) {
      old.put(s.endpoint().id(), s);
    }
    List<Slot> standardSlots = new ArrayList<>(endpoints.ready().size());
    List<Slot> reserveSlots = new ArrayList<>(1);
    for (Endpoint e : endpoints.ready()) {
      Slot s = old.get(e.id());
      Slot slot = s != null && s.endpoint().equals(e) ? s : new Slot(e);
      (e.instanceClass() == InstanceClass.RESERVE ? reserveSlots : standardSlots).add(slot);
    }
    standard.slots = List.copyOf(standardSlots);
    standard.limit = endpoints.containerConcurrency();
    reserve.slots = List.copyOf(reserveSlots);
    reserve.limit = endpoints.reserve().containerConcurrency();
    share(standard);
    share(reserve);
    reserveServesUpTo = endpoints.reserve().servesUpTo();
    timeout = endpoints.timeout();
    timeouts =
        new Timeouts(
            endpoints.timeout(), endpoints.responseStartTimeout(), endpoints.idleTimeout());
    String p = endpoints.problem();
    problem = p == null || p.length() <= MAX_PROBLEM ? p : p.substring(0, MAX_PROBLEM) + "...";
    removed = false;
    drain();
  }

  /**
   * Why the revision has no instance to serve, as its runtime last said, or null: the detail of a
   * held request's 503 when its deadline passes.
   */
  public synchronized String problem() {
    return problem;
  }

  /**
   * This gateway is replica {@code index} of {@code count}: from now on it uses only its share of
   * each instance's limit. A smaller share takes effect for new requests (those in flight finish);
   * a larger one releases held requests at once.
   */
  public synchronized void replicas(int index, int count) {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException("replica " + index + " of " + count);
    }
    replicaIndex = index;
    replicaCount = count;
    share(standard);
    share(reserve);
    drain();
  }

  /** The replica index this throttler shares by. */
  public int replicaIndex() {
    return replicaIndex;
  }

  /** The replica count this throttler shares by. */
  public int replicaCount() {
    return replicaCount;
  }

  /**
   * Sets each slot's share of its pool's limit; instances are numbered in the order of their ids.
   */
  private void share(Pool pool) {
    List<Slot> byId = new ArrayList<>(pool.slots);
    byId.sort(java.util.Comparator.comparing(x -> x.endpoint().id()));
    for (int i = 0; i < byId.size(); i++) {
      byId.get(i).limit = CapacityShare.of(pool.limit, i, replicaIndex, replicaCount);
    }
  }

  /** Requests in flight to the instance {@code instanceId}; 0 when it is not routed to. */
  public synchronized int inFlight(String instanceId) {
    for (Pool p : List.of(standard, reserve)) {
      for (Slot s : p.slots) {
        if (s.endpoint().id().equals(instanceId)) {
          return s.inFlight;
        }
      }
    }
    return 0;
  }

  /** The revision is gone: every waiter is revoked and new requests are rejected. */
  public synchronized void remove() {
    removed = true;
    standard.slots = List.of();
    reserve.slots = List.of();
    Waiter w;
    while ((w = queue.poll()) != null) {
      w.revoked(Refusal.REVISION_REMOVED);
    }
  }

  /**
   * The gateway stops and its drain grace is over: every waiter is revoked ({@link
   * Refusal#GATEWAY_STOPPING}) and a request that finds no free slot from now on is refused instead
   * of queued. Slots still serve.
   */
  public synchronized void stopHolding() {
    stopping = true;
    Waiter w;
    while ((w = queue.poll()) != null) {
      w.revoked(Refusal.GATEWAY_STOPPING);
    }
  }

  public synchronized int queued() {
    return queue.size();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      Slot s = pick();
      if (s == null) {
        return;
      }
      s.inFlight++;
      queue.poll().granted(s);
    }
  }

  /** A standard instance with room; the reserve only while no standard instance is ready. */
  private Slot pick() {
    long now = ticker.nanoTime();
    if (!standard.slots.isEmpty()) {
      return pick(standard, now);
    }
    return reserve.slots.isEmpty() ? null : pick(reserve, now);
  }

  private Slot pick(Pool pool, long now) {
    List<Slot> slots = pool.slots;
    int n = slots.size();
    if (pool.limit > 0) {
      Slot s = roundRobin(pool, now, true);
      return s != null ? s : roundRobin(pool, now, false);
    }
    if (n == 1) {
      return slots.get(0);
    }
    Slot a = slots.get(random.applyAsInt(n));
    Slot b = slots.get(random.applyAsInt(n));
    boolean aOk = a.ejectedUntil <= now;
    boolean bOk = b.ejectedUntil <= now;
    if (aOk != bOk) {
      return aOk ? a : b;
    }
    if (!aOk) {
      for (Slot s : slots) {
        if (s.ejectedUntil <= now) {
          return s;
        }
      }
    }
    return a.inFlight <= b.inFlight ? a : b;
  }

  /** The next instance below this replica's share of its limit, after the last one picked. */
  private static Slot roundRobin(Pool pool, long now, boolean healthyOnly) {
    List<Slot> slots = pool.slots;
    int n = slots.size();
    for (int i = 0; i < n; i++) {
      Slot s = slots.get((pool.next + i) % n);
      if (s.inFlight < s.limit && (!healthyOnly || s.ejectedUntil <= now)) {
        pool.next = (pool.next + i + 1) % n;
        return s;
      }
    }
    return null;
  }

  /** Requests of the revision in the gateway: on an instance or held. */
  private int inFlight() {
    int n = queue.size();
    for (Slot s : standard.slots) {
      n += s.inFlight;
    }
    for (Slot s : reserve.slots) {
      n += s.inFlight;
    }
    return n;
  }

  /** The instances of one class and their hard limit (0 = none). */
  private static final class Pool {
    List<Slot> slots = List.of();
    int limit;
    int next;
  }
}
