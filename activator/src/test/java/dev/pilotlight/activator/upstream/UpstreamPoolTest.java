package dev.pilotlight.activator.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {
  private final Endpoint a = new Endpoint("a", "127.0.0.1", 1001, InstanceClass.STANDARD);
  private final Endpoint b = new Endpoint("b", "127.0.0.1", 1002, InstanceClass.STANDARD);

  private EmbeddedChannel connection(UpstreamPool pool, Endpoint e) {
    EmbeddedChannel ch = new EmbeddedChannel();
    pool.track(e, ch);
    return ch;
  }

  @Test
  void lendsTheMostRecentlyReturnedConnectionOfTheSameInstance() {
    UpstreamPool pool = new UpstreamPool(8);
    EmbeddedChannel first = connection(pool, a);
    EmbeddedChannel second = connection(pool, a);
    pool.offer(a, first);
    pool.offer(a, second);
    assertNull(pool.poll(b));
    assertSame(second, pool.poll(a));
    assertSame(first, pool.poll(a));
    assertNull(pool.poll(a));
  }

  @Test
  void aConnectionClosedWhileIdleLeavesThePool() {
    UpstreamPool pool = new UpstreamPool(8);
    EmbeddedChannel ch = connection(pool, a);
    pool.offer(a, ch);
    assertEquals(1, pool.idle(a));
    ch.close();
    assertEquals(0, pool.idle(a));
    assertNull(pool.poll(a));
  }

  @Test
  void reuseManyTimesKeepsOneEntryAndClosingStillRemovesIt() {
    UpstreamPool pool = new UpstreamPool(8);
    EmbeddedChannel ch = connection(pool, a);
    for (int i = 0; i < 1000; i++) {
      pool.offer(a, ch);
      assertSame(ch, pool.poll(a));
    }
    pool.offer(a, ch);
    assertEquals(1, pool.idle(a));
    ch.close();
    assertEquals(0, pool.idle(a));
  }

  @Test
  void aFullPoolClosesTheConnectionOffered() {
    UpstreamPool pool = new UpstreamPool(1);
    EmbeddedChannel kept = connection(pool, a);
    EmbeddedChannel extra = connection(pool, a);
    pool.offer(a, kept);
    pool.offer(a, extra);
    assertFalse(extra.isActive());
    assertEquals(1, pool.idle(a));
  }
}
