package dev.pilotlight.autoscaler.shell;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.api.spi.ScaleListener;
import dev.pilotlight.api.time.Backoff;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries the autoscaler's decisions to the PodAutoscalers' {@code status.desiredScale}.
 *
 * <p>Every decision is remembered per revision; only the leader writes. A write happens on the
 * writer's own thread (decisions arrive on the autoscaler's, which must not block), coalesced per
 * revision (many decisions while one is pending make one write of the latest), and only when the
 * PodAutoscaler as cached says otherwise, so becoming leader, a PodAutoscaler appearing late, or
 * someone else's write each converge to the latest decision. A failed write is retried with capped
 * exponential backoff.
 */
public final class DesiredScaleWriter implements ScaleListener {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredScaleWriter.class);

  /** Retries of a failed write: 100 ms doubling per consecutive failure, at most 30 s. */
  static final Backoff RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  /** The narrow store: what the cache says, and the write ({@link DesiredScalePatch}). */
  public interface Store extends DesiredScalePatch {
    /** Whether the PodAutoscaler exists (in the cache), and its {@code status.desiredScale}. */
    Observed observe(RevisionKey key);
  }

  /**
   * @param desiredScale null when none has been written
   */
  public record Observed(boolean exists, Integer desiredScale) {
    public static final Observed ABSENT = new Observed(false, null);
  }

  private final Store store;
  private final ScheduledExecutorService executor;
  private final Map<RevisionKey, Integer> wanted = new ConcurrentHashMap<>();
  private final Set<RevisionKey> pending = ConcurrentHashMap.newKeySet();
  private final Map<RevisionKey, Integer> failures = new ConcurrentHashMap<>();
  private volatile boolean leading;

  /**
   * @param executor runs the writes and their retries (one thread keeps them in order)
   */
  public DesiredScaleWriter(Store store, ScheduledExecutorService executor) {
    this.store = store;
    this.executor = executor;
  }

  @Override
  public void onDecision(ScaleDecision decision) {
    Integer before = wanted.put(decision.revision(), decision.desiredScale());
    if (!Objects.equals(before, decision.desiredScale())) {
      LOG.info(
          "{}: scale {} -> {} ({})",
          decision.revision(),
          before == null ? "-" : before,
          decision.desiredScale(),
          decision.reason());
    }
    request(decision.revision());
  }

  /** The cache saw the PodAutoscaler (added or changed): write again if it disagrees. */
  public void observed(RevisionKey key) {
    if (wanted.containsKey(key)) {
      request(key);
    }
  }

  /** The PodAutoscaler is gone. */
  public void forget(RevisionKey key) {
    wanted.remove(key);
    failures.remove(key);
  }

  /** This replica leads: write every remembered decision the cluster does not have yet. */
  public void startLeading() {
    leading = true;
    wanted.keySet().forEach(this::request);
  }

  /** Another replica leads (or none): write nothing from now on. */
  public void stopLeading() {
    leading = false;
  }

  public boolean leading() {
    return leading;
  }

  /** The latest decision for a revision, if any. */
  public Integer wanted(RevisionKey key) {
    return wanted.get(key);
  }

  private void request(RevisionKey key) {
    if (!leading || !pending.add(key)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            pending.remove(key);
            write(key);
          });
    } catch (RejectedExecutionException e) {
      pending.remove(key); // shutting down
    }
  }

  private void write(RevisionKey key) {
    Integer want = wanted.get(key);
    if (!leading || want == null) {
      return;
    }
    Observed now = store.observe(key);
    if (!now.exists() || want.equals(now.desiredScale())) {
      failures.remove(key);
      return;
    }
    try {
      store.writeDesiredScale(key, want);
      failures.remove(key);
    } catch (RuntimeException e) {
      int n = failures.merge(key, 1, Integer::sum);
      long delay = RETRY.delay(n).toNanos();
      try (MDC.MDCCloseable m = MDC.putCloseable("revision", String.valueOf(key))) {
        LOG.warn(
            "{}: cannot write desiredScale {} (retry in {} ms): {}",
            key,
            want,
            delay / 1_000_000,
            e.toString());
      }
      try {
        executor.schedule(() -> request(key), delay, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException ignored) {
        // shutting down
      }
    }
  }
}
