package dev.pilotlight.controller.kubernetes.queue;

import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one kind's reconciler over its work queue: each key taken is reconciled, a {@link
 * ReconcileResult.RequeueAfter} parks it for later, a thrown failure parks it for the backoff of
 * its consecutive failures (reset by the next success). Workers are plain threads; {@link
 * #processNext()} is the same step without a thread, for tests.
 */
public final class ReconcileLoop<K> implements AutoCloseable {
  /** Conflicts in a row logged at debug only: beyond, a key that keeps conflicting is a warning. */
  static final int QUIET_CONFLICTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);

  private final String kind;
  private final WorkQueue<K> queue;
  private final Reconciler<K> reconciler;
  private final Backoff backoff;
  private final Map<K, Integer> failures = new ConcurrentHashMap<>();
  private final List<Thread> workers = new ArrayList<>();
  private final ControllerMetrics.Kind metrics;

  /** A loop whose series are kept apart (tests). */
  public ReconcileLoop(String kind, WorkQueue<K> queue, Reconciler<K> reconciler, Backoff backoff) {
    this(kind, queue, reconciler, backoff, new ControllerMetrics(Ticker.system()));
  }

  /**
   * @param metrics where this kind's reconciles are counted, as {@code kind} capitalized
   */
  public ReconcileLoop(
      String kind,
      WorkQueue<K> queue,
      Reconciler<K> reconciler,
      Backoff backoff,
      ControllerMetrics metrics) {
    this.kind = kind;
    this.queue = queue;
    this.reconciler = reconciler;
    this.backoff = backoff;
    this.metrics =
        metrics.kind(
            kind.substring(0, 1).toUpperCase(Locale.ROOT) + kind.substring(1), queue::size);
  }

  public WorkQueue<K> queue() {
    return queue;
  }

  /** Starts {@code count} worker threads. */
  public synchronized void start(int count) {
    for (int i = 0; i < count; i++) {
      Thread t = new Thread(this::work, "pilotlight-" + kind + "-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  private void work() {
    try {
      K key;
      while ((key = queue.take()) != null) {
        process(key);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reconciles the next queued key, if any, on the caller's thread; false when none was queued. */
  public boolean processNext() {
    K key = queue.poll();
    if (key == null) {
      return false;
    }
    process(key);
    return true;
  }

  private void process(K key) {
    // the revision loop's lines are about one revision: structured logs carry it as a field
    MDC.MDCCloseable revision =
        "revision".equals(kind) ? MDC.putCloseable("revision", String.valueOf(key)) : null;
    try (revision) {
      processLogged(key);
    }
  }

  private void processLogged(K key) {
    long start = metrics.start();
    try {
      ReconcileResult result = reconciler.reconcile(key);
      failures.remove(key);
      if (result instanceof ReconcileResult.RequeueAfter r) {
        metrics.finished(start, ControllerMetrics.Result.REQUEUE);
        queue.addAfter(key, r.delay());
      } else {
        metrics.finished(start, ControllerMetrics.Result.SUCCESS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | LinkageError e) {
      boolean conflict = e instanceof KubernetesClientException k && k.getCode() == 409;
      metrics.finished(
          start, conflict ? ControllerMetrics.Result.CONFLICT : ControllerMetrics.Result.ERROR);
      metrics.retried();
      int n = failures.merge(key, 1, Integer::sum);
      Duration wait = backoff.delay(n);
      // a conflict with a stale cache (another writer's status patch came first) is routine and
      // counted: said only when it repeats; any other failure at once; the stack trace at debug
      if (conflict && n <= QUIET_CONFLICTS) {
        LOG.debug(
            "{} {}: reconcile conflict ({} in a row), retrying in {}: {}",
            kind,
            key,
            n,
            wait,
            e.toString());
      } else {
        LOG.warn(
            "{} {}: reconcile failed ({} in a row), retrying in {}: {}",
            kind,
            key,
            n,
            wait,
            e.toString());
      }
      LOG.debug("{} {}: reconcile failure", kind, key, e);
      queue.addAfter(key, wait);
    } finally {
      queue.done(key);
    }
  }

  /** Consecutive failures of {@code key} so far. */
  public int failures(K key) {
    return failures.getOrDefault(key, 0);
  }

  /** Stops taking keys and waits briefly for the reconciles in flight. */
  @Override
  public void close() {
    queue.shutDown();
    List<Thread> threads;
    synchronized (this) {
      threads = List.copyOf(workers);
      workers.clear();
    }
    for (Thread t : threads) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
