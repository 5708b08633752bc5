package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.controller.store.StoreReads;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Clock;
import java.util.ArrayDeque;

/**
 * The whole {@link Controller} over an in-memory {@link ObjectStore}, in manual time, for tests:
 * the store's watch events are queued and delivered by {@link #runUntilIdle}, which also runs the
 * reconciles on the caller's thread, so a test steps the system from one quiet state to the next.
 * Domain {@code example.com}, wall time fixed at {@link StoreWorld#START}.
 */
public final class ManualStoreController implements AutoCloseable {
  public final ManualTicker ticker = new ManualTicker();
  public final ManualScheduler scheduler = new ManualScheduler(ticker);
  public final Clock clock = new StoreWorld.ManualClock(StoreWorld.START);
  public final ArrayDeque<Runnable> events = new ArrayDeque<>();
  public final ObjectStore store =
      ObjectStore.open(StoreOptions.inMemory().withClock(clock).withEvents(events::add));
  public final StoreReads reads = new StoreReads(store);
  public final Controller controller =
      new Controller(
          reads,
          store,
          reads,
          ControllerSettings.defaults("example.com"),
          clock,
          ticker,
          scheduler);

  /** Delivers events and reconciles until neither has anything left; the reconciles run. */
  public int runUntilIdle() {
    int reconciles = 0;
    for (int round = 0; round < 1000; round++) {
      boolean busy = false;
      Runnable r;
      while ((r = events.poll()) != null) {
        r.run();
        busy = true;
      }
      while (controller.reconcileNext()) {
        reconciles++;
        busy = true;
      }
      if (!busy) {
        return reconciles;
      }
    }
    throw new AssertionError("the controller never went idle");
  }

  @Override
  public void close() {
    controller.close();
    store.close();
  }
}
