package dev.pilotlight.activator.throttle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The gateway's {@link RevisionThrottler}s by revision, and the revisions removed lately.
 *
 * <p>Design: a live throttler is state, not a cache entry (it holds the in-flight counts and the
 * held requests), so live ones sit in a plain map from their first use until {@link #remove}. What
 * is a cache is the memory of removals: a request can still name a removed revision for a while
 * (the route table and the endpoints arrive apart), and without that memory it would create a new
 * throttler, with new metric series and stats, and wait there for instances that never come. So a
 * removal leaves a tombstone in a Caffeine cache, bounded ({@value #MAX_REMOVED} revisions) and
 * expiring {@link #REMEMBER_REMOVED} after the removal; while it is there {@link #forRequest}
 * answers null (the request gets 503 at once), and a publish of the revision's endpoints clears it.
 * Creation and removal of one revision are atomic against each other (both run in the live map's
 * compute for that key), so no request slips a live throttler in behind a removal.
 */
public final class ThrottlerRegistry {
  /**
   * How long a removed revision is remembered: far past any lag between route table and endpoints.
   */
  public static final Duration REMEMBER_REMOVED = Duration.ofMinutes(10);

  /** Removed revisions remembered at most; the oldest are forgotten first. */
  public static final int MAX_REMOVED = 10_000;

  private final Map<RevisionKey, RevisionThrottler> live = new ConcurrentHashMap<>();
  private final Cache<RevisionKey, Boolean> removed;
  private final Function<RevisionKey, RevisionThrottler> factory;

  /** This gateway's replica index and count (one pair, replaced whole), as last given. */
  private volatile int[] replicas = {0, 1};

  /**
   * @param factory makes the throttler of a revision seen for the first time
   * @param ticker the time tombstones expire by
   */
  public ThrottlerRegistry(Function<RevisionKey, RevisionThrottler> factory, Ticker ticker) {
    this.factory = factory;
    this.removed =
        Caffeine.newBuilder()
            .maximumSize(MAX_REMOVED)
            .expireAfterWrite(REMEMBER_REMOVED)
            .ticker(caffeineTicker(ticker))
            .executor(Runnable::run) // maintenance on the caller: no background pool, deterministic
            .build();
  }

  /** Caffeine's ticker over ours, so tests drive expiry in manual time. */
  static com.github.benmanes.caffeine.cache.Ticker caffeineTicker(Ticker ticker) {
    return ticker::nanoTime;
  }

  /**
   * The throttler a request to {@code revision} uses, created on first use (a revision routed to
   * before its endpoints arrive holds its requests there); null while the revision is remembered as
   * removed.
   */
  public RevisionThrottler forRequest(RevisionKey revision) {
    RevisionThrottler t = live.get(revision);
    if (t == null) {
      t =
          live.computeIfAbsent(
              revision, k -> removed.getIfPresent(k) != null ? null : factory.apply(k));
    }
    return t == null ? null : sharing(t);
  }

  /**
   * This gateway is replica {@code index} of {@code count}: every throttler uses its share of each
   * instance's limit ({@link CapacityShare}) from now on, new ones included.
   */
  public void replicas(int index, int count) {
    replicas = new int[] {index, count};
    live.values().forEach(this::sharing);
  }

  /**
   * Brings {@code t} to the replica count in force: read after the throttler is in the map, so a
   * throttler made while the count changed is caught here if {@link #replicas} missed it. Two
   * volatile reads when nothing changed.
   */
  private RevisionThrottler sharing(RevisionThrottler t) {
    int[] r = replicas;
    if (t.replicaIndex() != r[0] || t.replicaCount() != r[1]) {
      t.replicas(r[0], r[1]);
    }
    return t;
  }

  /** The throttler of a revision whose endpoints were published: live again if it was removed. */
  public RevisionThrottler published(RevisionKey revision) {
    return sharing(
        live.compute(
            revision,
            (k, t) -> {
              removed.invalidate(k);
              return t != null ? t : factory.apply(k);
            }));
  }

  /** The live throttler of {@code revision}, or null; never creates one. */
  public RevisionThrottler get(RevisionKey revision) {
    return live.get(revision);
  }

  /** The revision is gone: its held requests are revoked and it is remembered as removed. */
  public void remove(RevisionKey revision) {
    live.compute(
        revision,
        (k, t) -> {
          removed.put(k, Boolean.TRUE);
          if (t != null) {
            t.remove();
          }
          return null;
        });
  }

  /** Every live throttler. */
  public void forEach(BiConsumer<RevisionKey, RevisionThrottler> action) {
    live.forEach(action);
  }

  /** Removed revisions remembered now (expired ones cleaned up first). */
  public long removedRemembered() {
    removed.cleanUp();
    return removed.estimatedSize();
  }
}
