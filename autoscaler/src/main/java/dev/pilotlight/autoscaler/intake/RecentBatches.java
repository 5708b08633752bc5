package dev.pilotlight.autoscaler.intake;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.api.spi.StatBatch;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;

/**
 * The numbered stat batches the intake has taken recently, so a batch delivered twice (resent by an
 * activator whose first post timed out after the intake had read it) is counted once. Bounded both
 * ways: an entry expires {@link #REMEMBER} after it was taken (a resend comes within seconds: the
 * activator resends once, at once), and at most {@link #MAX_ENTRIES} are kept (about a minute of a
 * thousand activators posting every second, pokes included); past that the oldest are forgotten
 * first, and a very late duplicate counts twice: one second of one revision's stats, which the
 * windows average away. Thread-safe.
 */
final class RecentBatches {
  static final Duration REMEMBER = Duration.ofMinutes(1);
  static final int MAX_ENTRIES = 65_536;

  private record Id(String instance, long sequence) {}

  private final Cache<Id, Boolean> taken;

  RecentBatches(Ticker ticker) {
    this.taken =
        Caffeine.newBuilder()
            .maximumSize(MAX_ENTRIES)
            .expireAfterWrite(REMEMBER)
            .ticker(ticker::nanoTime)
            .executor(Runnable::run) // maintenance on the caller's thread: no pool of its own
            .build();
  }

  /** True the first time a batch is offered (and for every unnumbered one), false for a repeat. */
  boolean first(StatBatch batch) {
    if (!batch.numbered()) {
      return true;
    }
    return taken.asMap().putIfAbsent(new Id(batch.instance(), batch.sequence()), Boolean.TRUE)
        == null;
  }

  /** Entries kept now, after pending expiry; for tests. */
  long size() {
    taken.cleanUp();
    return taken.estimatedSize();
  }
}
