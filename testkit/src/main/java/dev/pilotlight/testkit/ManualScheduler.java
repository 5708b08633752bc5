package dev.pilotlight.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deterministic {@link ScheduledExecutorService} driven by a {@link ManualTicker}: {@code
 * execute} runs at once on the caller's thread; scheduled tasks run only when {@link #advance}
 * moves time past them. Single-threaded use only.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final ManualTicker ticker;
  private final List<Task> tasks = new ArrayList<>();
  private boolean shutdown;

  public ManualScheduler(ManualTicker ticker) {
    this.ticker = ticker;
  }

  /** Moves time forward by {@code nanos}, running every task that falls due, in time order. */
  public void advance(long amount, TimeUnit unit) {
    long end = ticker.nanoTime() + unit.toNanos(amount);
    while (true) {
      Task next =
          tasks.stream()
              .filter(t -> !t.cancelled && t.due <= end)
              .min(Comparator.comparingLong(t -> t.due))
              .orElse(null);
      if (next == null) {
        break;
      }
      if (next.due > ticker.nanoTime()) {
        ticker.advance(java.time.Duration.ofNanos(next.due - ticker.nanoTime()));
      }
      if (next.period > 0) {
        next.due += next.period;
      } else {
        tasks.remove(next);
        next.done = true;
      }
      next.task.run();
    }
    if (end > ticker.nanoTime()) {
      ticker.advance(java.time.Duration.ofNanos(end - ticker.nanoTime()));
    }
    tasks.removeIf(t -> t.cancelled);
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(delay), 0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not needed by the tests");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
  }

  private Task add(Runnable command, long delayNanos, long periodNanos) {
    Task t = new Task(command, ticker.nanoTime() + delayNanos, periodNanos);
    tasks.add(t);
    return t;
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    tasks.clear();
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

  private final class Task implements ScheduledFuture<Object> {
    final Runnable task;
    long due;
    final long period;
    boolean cancelled;
    boolean done;

    Task(Runnable task, long due, long period) {
      this.task = task;
      this.due = due;
      this.period = period;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - ticker.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      return true;
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
