package dev.pilotlight.activator.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live throttlers, tombstones of removed revisions and their expiry, in manual time. */
class ThrottlerRegistryTest {
  static final RevisionKey REV = new RevisionKey("default", "r-00001");

  final ManualTicker ticker = new ManualTicker();
  final List<RevisionKey> created = new ArrayList<>();
  final ThrottlerRegistry registry =
      new ThrottlerRegistry(
          k -> {
            created.add(k);
            return new RevisionThrottler(2, Duration.ofSeconds(300), b -> 0, ticker);
          },
          ticker);

  @Test
  void forRequest_firstUse_createsOnceAndKeeps() {
    RevisionThrottler t = registry.forRequest(REV);
    assertThat(registry.forRequest(REV)).isSameAs(t);
    assertThat(registry.published(REV)).isSameAs(t);
    assertThat(created).containsExactly(REV);
  }

  @Test
  void forRequest_afterRemoval_isNullAndCreatesNothing() {
    RevisionThrottler t = registry.forRequest(REV);
    RevisionThrottlerTest.Recorder waiter =
        new RevisionThrottlerTest.Recorder("a", new ArrayList<>());
    assertThat(t.acquire(waiter)).isInstanceOf(RevisionThrottler.Queued.class);

    registry.remove(REV);

    assertThat(waiter.revoked).as("held requests revoked").isTrue();
    for (int i = 0; i < 100; i++) {
      assertThat(registry.forRequest(REV)).isNull();
    }
    assertThat(registry.get(REV)).isNull();
    assertThat(created).hasSize(1);
    assertThat(registry.removedRemembered()).isEqualTo(1);
  }

  @Test
  void published_afterRemoval_revivesTheRevision() {
    registry.remove(REV);
    RevisionThrottler t = registry.published(REV);
    assertThat(t).isNotNull();
    assertThat(registry.forRequest(REV)).isSameAs(t);
    assertThat(registry.removedRemembered()).isZero();
  }

  @Test
  void tombstone_expiresAfterItsTime() {
    registry.remove(REV);
    ticker.advance(ThrottlerRegistry.REMEMBER_REMOVED.minusSeconds(1));
    assertThat(registry.forRequest(REV)).isNull();

    ticker.advanceSeconds(1);

    assertThat(registry.removedRemembered()).isZero();
    assertThat(registry.forRequest(REV)).as("forgotten: a request creates it again").isNotNull();
  }

  @Test
  void tombstones_areBounded() {
    for (int i = 0; i < ThrottlerRegistry.MAX_REMOVED + 500; i++) {
      registry.remove(new RevisionKey("default", "r-" + i));
    }
    assertThat(registry.removedRemembered()).isLessThanOrEqualTo(ThrottlerRegistry.MAX_REMOVED);
  }

  @Test
  void forEach_seesLiveThrottlersOnly() {
    RevisionKey other = new RevisionKey("default", "r-00002");
    registry.forRequest(REV);
    registry.forRequest(other);
    registry.remove(REV);
    List<RevisionKey> seen = new ArrayList<>();
    registry.forEach((k, t) -> seen.add(k));
    assertThat(seen).containsExactly(other);
  }
}
