package dev.pilotlight.simulator.engine;

import dev.pilotlight.api.time.Ticker;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Virtual time for code written against a {@link ScheduledExecutorService} and a {@link Ticker}:
 * the clock moves only from one due event to the next. {@code execute} queues a task for now (as a
 * real scheduler thread would run it soon, after the caller returns); scheduled tasks run when the
 * clock reaches them, periodic ones again every period. Single-threaded: one replay owns it.
 */
public final class VirtualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService, Ticker {
  private long now;
  private long seq;
  private final ArrayDeque<Runnable> immediate = new ArrayDeque<>();
  private Event[] heap = new Event[1024];
  private int size;
  private boolean shutdown;

  @Override
  public long nanoTime() {
    return now;
  }

  /** Runs every task queued for now, including those they queue. */
  public void drainImmediate() {
    Runnable r;
    while ((r = immediate.poll()) != null) {
      r.run();
    }
  }

  /** When the next scheduled event is due, {@link Long#MAX_VALUE} for none. */
  public long nextDue() {
    while (size > 0 && heap[0].cancelled) {
      pop();
    }
    return size == 0 ? Long.MAX_VALUE : heap[0].due;
  }

  /** Moves the clock to the next scheduled event and runs it (and the tasks it queues). */
  public void runNext() {
    if (nextDue() == Long.MAX_VALUE) {
      return;
    }
    Event e = pop();
    now = Math.max(now, e.due);
    e.fire();
    drainImmediate();
  }

  /** Moves the clock forward to {@code t} (never back). */
  public void advanceTo(long t) {
    now = Math.max(now, t);
  }

  /** Schedules {@code e} at {@code due} (not before now). */
  void add(Event e, long due) {
    e.due = Math.max(due, now);
    e.seq = seq++;
    e.cancelled = false;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int k = size++;
    while (k > 0) {
      int p = (k - 1) >>> 1;
      if (!before(e, heap[p])) {
        break;
      }
      heap[k] = heap[p];
      k = p;
    }
    heap[k] = e;
  }

  private static boolean before(Event a, Event b) {
    return a.due < b.due || (a.due == b.due && a.seq < b.seq);
  }

  private Event pop() {
    Event top = heap[0];
    Event last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      int k = 0;
      int half = size >>> 1;
      while (k < half) {
        int c = 2 * k + 1;
        if (c + 1 < size && before(heap[c + 1], heap[c])) {
          c++;
        }
        if (!before(heap[c], last)) {
          break;
        }
        heap[k] = heap[c];
        k = c;
      }
      heap[k] = last;
    }
    return top;
  }

  @Override
  public void execute(Runnable command) {
    immediate.add(command);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(command, 0);
    add(t, now + unit.toNanos(delay));
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the replayed code");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    Task t = new Task(command, unit.toNanos(period));
    add(t, now + unit.toNanos(initialDelay));
    return t;
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  /** A task given through the executor interface. */
  private final class Task extends Event implements ScheduledFuture<Object> {
    private final Runnable command;
    private final long period;
    private boolean done;

    Task(Runnable command, long period) {
      this.command = command;
      this.period = period;
    }

    @Override
    void fire() {
      if (period > 0) {
        add(this, due + period);
      } else {
        done = true;
      }
      command.run();
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean was = !cancelled && !done;
      cancelled = true;
      return was;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
