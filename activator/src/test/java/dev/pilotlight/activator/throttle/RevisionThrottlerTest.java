package dev.pilotlight.activator.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RevisionThrottlerTest {
  static final RevisionKey REV = new RevisionKey("default", "r-00001");

  static Endpoint ep(String id) {
    return new Endpoint(id, "127.0.0.1", 1000 + id.hashCode() % 1000, InstanceClass.STANDARD);
  }

  static RevisionEndpoints endpoints(int cc, Endpoint... eps) {
    return new RevisionEndpoints(REV, cc, Duration.ofSeconds(30), List.of(eps));
  }

  /** Records grants in order. */
  static final class Recorder implements Waiter {
    final String name;
    final List<String> log;
    Slot slot;
    boolean revoked;

    Recorder(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    @Override
    public void granted(Slot s) {
      slot = s;
      log.add(name + "->" + s.endpoint().id());
    }

    @Override
    public void revoked(Refusal why) {
      revoked = true;
      log.add(name + " revoked (" + why + ")");
    }
  }

  final List<String> log = new ArrayList<>();
  final RevisionThrottler t =
      new RevisionThrottler(2, Duration.ofSeconds(300), new Random(7)::nextInt);

  @Test
  void noInstancesHoldsInArrivalOrderUntilCapacityAppears() {
    Recorder a = new Recorder("a", log);
    Recorder b = new Recorder("b", log);
    assertThat(t.acquire(a)).isInstanceOf(RevisionThrottler.Queued.class);
    assertThat(t.acquire(b)).isInstanceOf(RevisionThrottler.Queued.class);
    assertThat(t.acquire(new Recorder("c", log)))
        .as("queue bound 2")
        .isInstanceOf(RevisionThrottler.Rejected.class);
    t.update(endpoints(1, ep("i1")));
    assertThat(log).containsExactly("a->i1");
    t.release(a.slot);
    assertThat(log).containsExactly("a->i1", "b->i1");
    assertThat(t.queued()).isZero();
  }

  @Test
  void hardLimitIsEnforcedFirstAvailable() {
    t.update(endpoints(1, ep("i1"), ep("i2")));
    Slot s1 = ((RevisionThrottler.Granted) t.acquire(new Recorder("a", log))).slot();
    Slot s2 = ((RevisionThrottler.Granted) t.acquire(new Recorder("b", log))).slot();
    assertThat(List.of(s1.endpoint().id(), s2.endpoint().id()))
        .containsExactlyInAnyOrder("i1", "i2");
    Recorder c = new Recorder("c", log);
    assertThat(t.acquire(c)).isInstanceOf(RevisionThrottler.Queued.class);
    t.release(s2);
    assertThat(c.slot.endpoint()).isEqualTo(s2.endpoint());
  }

  /** Replica 0 of 2 uses half of each instance's limit; alone again, it releases its held ones. */
  @Test
  void aReplicaUsesItsShareOfEachInstancesLimit() {
    t.replicas(0, 2);
    t.update(endpoints(4, ep("i1")));
    Recorder a = new Recorder("a", log);
    Recorder b = new Recorder("b", log);
    Recorder c = new Recorder("c", log);
    assertThat(t.acquire(a)).isInstanceOf(RevisionThrottler.Granted.class);
    assertThat(t.acquire(b)).isInstanceOf(RevisionThrottler.Granted.class);
    assertThat(t.acquire(c))
        .as("its share, 2 of 4, is taken")
        .isInstanceOf(RevisionThrottler.Queued.class);
    t.replicas(0, 1);
    assertThat(log).containsExactly("c->i1");
  }

  /** Limit 1 and three replicas: each of three instances is one replica's. */
  @Test
  void withLessThanOneSlotPerReplicaEachReplicaGetsWholeSlotsOfDifferentInstances() {
    List<String> firsts = new java.util.ArrayList<>();
    for (int r = 0; r < 3; r++) {
      RevisionThrottler replica = new RevisionThrottler(2, Duration.ofSeconds(30), bound -> 0);
      replica.replicas(r, 3);
      replica.update(endpoints(1, ep("i3"), ep("i1"), ep("i2")));
      Slot s = ((RevisionThrottler.Granted) replica.acquire(new Recorder("x", log))).slot();
      firsts.add(s.endpoint().id());
      assertThat(replica.acquire(new Recorder("y", log)))
          .as("one slot in all for replica " + r)
          .isInstanceOf(RevisionThrottler.Queued.class);
    }
    assertThat(firsts).containsExactlyInAnyOrder("i1", "i2", "i3");
  }

  @Test
  void unlimitedConcurrencyAlwaysGrants() {
    t.update(endpoints(0, ep("i1"), ep("i2")));
    for (int i = 0; i < 100; i++) {
      assertThat(t.acquire(new Recorder("r" + i, log)))
          .isInstanceOf(RevisionThrottler.Granted.class);
    }
  }

  @Test
  void cancelRemovesAWaiter_removeRevokesAll() {
    Recorder a = new Recorder("a", log);
    Recorder b = new Recorder("b", log);
    t.acquire(a);
    t.acquire(b);
    assertThat(t.cancel(a)).isTrue();
    assertThat(t.cancel(a)).isFalse();
    t.remove();
    assertThat(b.revoked).isTrue();
    assertThat(log).containsExactly("b revoked (REVISION_REMOVED)");
    assertThat(t.acquire(new Recorder("c", log)))
        .isEqualTo(new RevisionThrottler.Rejected(Refusal.REVISION_REMOVED));
  }

  @Test
  void queueFullIsSaidSo() {
    t.acquire(new Recorder("a", log));
    t.acquire(new Recorder("b", log));
    assertThat(t.acquire(new Recorder("c", log)))
        .isEqualTo(new RevisionThrottler.Rejected(Refusal.QUEUE_FULL));
  }

  /**
   * The gateway's drain grace is over: held requests are revoked as stopping, a request with no
   * free slot is refused, one with a free slot is still served, and slots are still given back.
   */
  @Test
  void stopHoldingRevokesTheHeldAndRefusesWhatWouldWaitButStillServes() {
    Recorder a = new Recorder("a", log);
    Recorder b = new Recorder("b", log);
    t.acquire(a);
    t.acquire(b);
    t.stopHolding();
    assertThat(log).containsExactly("a revoked (GATEWAY_STOPPING)", "b revoked (GATEWAY_STOPPING)");
    assertThat(t.queued()).isZero();
    assertThat(t.acquire(new Recorder("c", log)))
        .isEqualTo(new RevisionThrottler.Rejected(Refusal.GATEWAY_STOPPING));
    t.update(endpoints(1, ep("i1")));
    Recorder d = new Recorder("d", log);
    assertThat(t.acquire(d)).isInstanceOf(RevisionThrottler.Granted.class);
    assertThat(t.acquire(new Recorder("e", log)))
        .isEqualTo(new RevisionThrottler.Rejected(Refusal.GATEWAY_STOPPING));
  }

  @Test
  void inFlightCountsSurviveAnEndpointUpdate() {
    t.update(endpoints(1, ep("i1")));
    t.acquire(new Recorder("a", log));
    t.update(endpoints(1, ep("i1"), ep("i2")));
    Slot s = ((RevisionThrottler.Granted) t.acquire(new Recorder("b", log))).slot();
    assertThat(s.endpoint().id()).isEqualTo("i2");
  }

  @Test
  void anInstanceWhoseConnectionFailedIsPassedOverUntilTheEjectionEnds() {
    ManualTicker ticker = new ManualTicker();
    RevisionThrottler t =
        new RevisionThrottler(10, Duration.ofSeconds(30), new Random(1)::nextInt, ticker);
    t.update(endpoints(0, ep("dead"), ep("live")));
    List<String> log = new ArrayList<>();
    Slot dead = null;
    for (int i = 0; i < 20 && dead == null; i++) {
      Recorder r = new Recorder("r" + i, log);
      Slot s = ((RevisionThrottler.Granted) t.acquire(r)).slot();
      t.release(s);
      if (s.endpoint().id().equals("dead")) {
        dead = s;
      }
    }
    assertThat(dead).as("two random choices reach both instances").isNotNull();
    t.connectFailed(dead);
    for (int i = 0; i < 50; i++) {
      Slot s = ((RevisionThrottler.Granted) t.acquire(new Recorder("x", log))).slot();
      assertThat(s.endpoint().id()).isEqualTo("live");
      t.release(s);
    }
    ticker.advance(RevisionThrottler.EJECTION);
    boolean deadAgain = false;
    for (int i = 0; i < 50 && !deadAgain; i++) {
      Slot s = ((RevisionThrottler.Granted) t.acquire(new Recorder("y", log))).slot();
      deadAgain = s.endpoint().id().equals("dead");
      t.release(s);
    }
    assertThat(deadAgain).as("back in rotation after the ejection").isTrue();
  }

  @Test
  void withOnlyEjectedInstancesOneIsStillTried() {
    ManualTicker ticker = new ManualTicker();
    RevisionThrottler t =
        new RevisionThrottler(10, Duration.ofSeconds(30), new Random(1)::nextInt, ticker);
    t.update(endpoints(1, ep("only")));
    Slot s = ((RevisionThrottler.Granted) t.acquire(new Recorder("a", new ArrayList<>()))).slot();
    t.connectFailed(s);
    t.release(s);
    assertThat(t.acquire(new Recorder("b", new ArrayList<>())))
        .isInstanceOf(RevisionThrottler.Granted.class);
  }

  // ---- the pilot light ----

  static Endpoint reserve(String id) {
    return new Endpoint(id, "127.0.0.1", 2000, InstanceClass.RESERVE);
  }

  /** Ready instances with the reserve's own limits. */
  static RevisionEndpoints withReserve(int cc, int reserveCc, int servesUpTo, Endpoint... ready) {
    return new RevisionEndpoints(
        REV,
        cc,
        Duration.ofSeconds(30),
        null,
        null,
        List.of(ready),
        List.of(),
        null,
        new RevisionEndpoints.Reserve(reserveCc, servesUpTo));
  }

  int pokes;
  final RevisionThrottler pt =
      new RevisionThrottler(
          10, Duration.ofSeconds(300), new Random(7)::nextInt, new ManualTicker(), () -> pokes++);

  String acquireId(RevisionThrottler t) {
    RevisionThrottler.Acquire a = t.acquire(new Recorder("w", log));
    return a instanceof RevisionThrottler.Granted g ? g.slot().endpoint().id() : a.toString();
  }

  @Test
  void theReserveServesWhileNoStandardInstanceIsReady_upToItsOwnLimit_thenHolds() {
    pt.update(withReserve(10, 2, 0, reserve("r")));
    assertThat(acquireId(pt)).isEqualTo("r");
    assertThat(acquireId(pt)).isEqualTo("r");
    assertThat(acquireId(pt)).as("beyond the reserve's limit: held").isEqualTo("Queued[]");
    assertThat(pt.inFlight("r")).isEqualTo(2);
    assertThat(pokes).as("every request given to the reserve pokes").isEqualTo(2);
  }

  @Test
  void standardInstancesArePreferred_andNeverSpillOverToTheReserve() {
    pt.update(withReserve(1, 5, 0, reserve("r"), ep("s1")));
    assertThat(acquireId(pt)).isEqualTo("s1");
    assertThat(acquireId(pt)).as("the standard instance is full: held").isEqualTo("Queued[]");
    assertThat(pokes).isZero();
  }

  @Test
  void heldRequestsGoToTheFirstStandardInstance_theReserveFinishesWhatItHas() {
    pt.update(withReserve(10, 1, 0, reserve("r")));
    Recorder onReserve = new Recorder("a", log);
    Slot r = ((RevisionThrottler.Granted) pt.acquire(onReserve)).slot();
    Recorder held = new Recorder("b", log);
    assertThat(pt.acquire(held)).isInstanceOf(RevisionThrottler.Queued.class);

    pt.update(withReserve(10, 1, 0, reserve("r"), ep("s1")));
    assertThat(held.slot.endpoint().id()).isEqualTo("s1");
    assertThat(acquireId(pt)).isEqualTo("s1");
    assertThat(pt.inFlight("r")).as("still in flight on the reserve").isEqualTo(1);
    pt.release(r);
    assertThat(pt.inFlight("r")).isZero();
    assertThat(acquireId(pt)).isEqualTo("s1");
  }

  @Test
  void withinWhatTheReserveServesAloneNoPoke() {
    pt.update(withReserve(0, 0, 2, reserve("r")));
    Slot a = ((RevisionThrottler.Granted) pt.acquire(new Recorder("a", log))).slot();
    pt.release(a);
    Slot b = ((RevisionThrottler.Granted) pt.acquire(new Recorder("b", log))).slot();
    assertThat(pokes).as("sequential requests").isZero();
    pt.acquire(new Recorder("c", log));
    assertThat(pokes).as("two in flight: still within").isZero();
    pt.acquire(new Recorder("d", log));
    assertThat(pokes).as("three in flight: beyond 2").isEqualTo(1);
    pt.release(b);
  }

  @Test
  void withoutReserveLimitsTheRevisionsConcurrencyApplies() {
    pt.update(endpoints(1, reserve("r")));
    assertThat(acquireId(pt)).isEqualTo("r");
    assertThat(acquireId(pt)).isEqualTo("Queued[]");
  }
}
