package dev.pilotlight.simulator.report;

import dev.pilotlight.simulator.engine.FunctionResult;
import dev.pilotlight.simulator.engine.PolicyResult;
import java.util.ArrayList;
import java.util.List;

/** One policy's results over the functions of one frequency class. */
public record ClassStats(
    FrequencyClass frequency, int functions, long invocations, long coldStarts, double costGbS) {
  public double coldStartRatio() {
    return invocations == 0 ? 0 : (double) coldStarts / invocations;
  }

  /** Every class, in order (empty ones included). */
  public static List<ClassStats> of(PolicyResult p, long windowNanos) {
    int n = FrequencyClass.ALL.size();
    int[] fns = new int[n];
    long[] inv = new long[n];
    long[] cold = new long[n];
    double[] cost = new double[n];
    for (FunctionResult f : p.functions()) {
      int c = FrequencyClass.of(f.invocations(), windowNanos).ordinal();
      fns[c]++;
      inv[c] += f.invocations();
      cold[c] += f.coldStarts();
      cost[c] += f.costGbS();
    }
    List<ClassStats> out = new ArrayList<>();
    for (FrequencyClass c : FrequencyClass.ALL) {
      int i = c.ordinal();
      out.add(new ClassStats(c, fns[i], inv[i], cold[i], cost[i]));
    }
    return out;
  }
}
