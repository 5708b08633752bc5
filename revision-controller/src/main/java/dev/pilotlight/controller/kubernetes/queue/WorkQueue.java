package dev.pilotlight.controller.kubernetes.queue;

import dev.pilotlight.api.time.Ticker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A work queue of object keys with client-go's guarantees, in plain Java.
 *
 * <p>Design: a key is <em>dirty</em> from {@link #add} until a worker takes it, and
 * <em>processing</em> from {@link #take} until {@link #done}. Adding a dirty key does nothing (many
 * events while queued make one reconcile); adding a key that is processing marks it dirty without
 * queueing it, and {@link #done} queues it again, so a key is never handed to two workers at once
 * and a change seen during a reconcile is never lost. {@link #addAfter} parks a key on the injected
 * scheduler; of several parked adds of one key only the earliest is kept. Thread-safe; {@code take}
 * blocks, {@link #poll} does not.
 */
public final class WorkQueue<K> {
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Map<K, Parked> parked = new HashMap<>();
  private boolean shutDown;

  private record Parked(long dueNanos, ScheduledFuture<?> future) {}

  /**
   * @param scheduler runs the parked adds
   * @param ticker the clock of due times (the scheduler's)
   */
  public WorkQueue(ScheduledExecutorService scheduler, Ticker ticker) {
    this.scheduler = scheduler;
    this.ticker = ticker;
  }

  /** Queues {@code key} unless it is queued already. */
  public void add(K key) {
    lock.lock();
    try {
      if (shutDown || !dirty.add(key)) {
        return;
      }
      if (!processing.contains(key)) {
        queue.addLast(key);
        nonEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Queues {@code key} after {@code delay}; at once when the delay is zero or negative. */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
      return;
    }
    lock.lock();
    try {
      if (shutDown) {
        return;
      }
      long due = ticker.nanoTime() + delay.toNanos();
      Parked existing = parked.get(key);
      if (existing != null) {
        if (existing.dueNanos() <= due) {
          return;
        }
        existing.future().cancel(false);
      }
      // a placeholder first: a scheduler that runs due tasks inline must find the entry
      Parked placeholder = new Parked(due, null);
      parked.put(key, placeholder);
      ScheduledFuture<?> future;
      try {
        future = scheduler.schedule(() -> unpark(key, due), delay.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        parked.remove(key);
        return;
      }
      if (parked.get(key) == placeholder) {
        parked.put(key, new Parked(due, future));
      }
    } finally {
      lock.unlock();
    }
  }

  private void unpark(K key, long due) {
    lock.lock();
    try {
      Parked p = parked.get(key);
      if (p == null || p.dueNanos() != due) {
        return;
      }
      parked.remove(key);
    } finally {
      lock.unlock();
    }
    add(key);
  }

  /**
   * The next key, waiting for one; null once the queue is shut down. The caller must call {@link
   * #done} with it.
   */
  public K take() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !shutDown) {
        nonEmpty.await();
      }
      return shutDown ? null : next();
    } finally {
      lock.unlock();
    }
  }

  /** The next key, or null when none is queued. The caller must call {@link #done} with it. */
  public K poll() {
    lock.lock();
    try {
      return queue.isEmpty() || shutDown ? null : next();
    } finally {
      lock.unlock();
    }
  }

  private K next() {
    K key = queue.removeFirst();
    processing.add(key);
    dirty.remove(key);
    return key;
  }

  /** Ends the processing of {@code key}; queues it again if it was added meanwhile. */
  public void done(K key) {
    lock.lock();
    try {
      processing.remove(key);
      if (dirty.contains(key) && !shutDown) {
        queue.addLast(key);
        nonEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting for a worker (not those processing or parked). */
  public int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys parked by {@link #addAfter}, not yet due. */
  public int parked() {
    lock.lock();
    try {
      return parked.size();
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting {@link #take} with null and drops queued and parked keys. */
  public void shutDown() {
    lock.lock();
    try {
      shutDown = true;
      queue.clear();
      dirty.clear();
      for (Parked p : parked.values()) {
        if (p.future() != null) {
          p.future().cancel(false);
        }
      }
      parked.clear();
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
