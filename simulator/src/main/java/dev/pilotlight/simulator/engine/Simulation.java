package dev.pilotlight.simulator.engine;

import dev.pilotlight.simulator.policy.Policy;
import dev.pilotlight.simulator.trace.Trace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Every policy over one trace, each in a replay of its own (same arrivals: same seed). Replays
 * share nothing, so they may run on several threads; the results do not depend on how many.
 */
public final class Simulation {
  private Simulation() {}

  /** The results, in the order of {@code policies}. */
  public static List<PolicyResult> run(
      Trace trace, List<Policy> policies, SimConfig config, int threads) {
    if (threads <= 1 || policies.size() <= 1) {
      List<PolicyResult> out = new ArrayList<>();
      for (Policy p : policies) {
        out.add(new Replay(trace, p, config).run());
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, policies.size()));
    try {
      List<Future<PolicyResult>> futures = new ArrayList<>();
      for (Policy p : policies) {
        futures.add(pool.submit(() -> new Replay(trace, p, config).run()));
      }
      List<PolicyResult> out = new ArrayList<>();
      for (Future<PolicyResult> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
