package dev.pilotlight.simulator.trace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Azure Functions Trace 2019 format as In-Vitro cut it: {@code invocations.csv} (per-minute
 * counts), {@code durations.csv} (execution-time percentiles) and {@code memory.csv} (memory per
 * function) in one directory, joined on (HashOwner, HashApp, HashFunction). A minute's invocations
 * arrive at uniformly random instants within it, each with an execution time drawn from the
 * function's percentiles ({@link DurationSampler}); a standard instance has the function's {@code
 * AverageAllocatedMb}.
 */
public final class AzureTrace implements Trace {
  static final long MINUTE = 60_000_000_000L;
  private static final String[] PERCENTILE_COLUMNS = {
    "percentile_Average_0",
    "percentile_Average_1",
    "percentile_Average_25",
    "percentile_Average_50",
    "percentile_Average_75",
    "percentile_Average_99",
    "percentile_Average_100"
  };

  private final Path dir;
  private final List<TraceFunction> functions;
  private final int[][] counts; // [function][minute]
  private final DurationSampler[] durations;
  private final int minutes;

  private AzureTrace(
      Path dir,
      List<TraceFunction> functions,
      int[][] counts,
      DurationSampler[] durations,
      int minutes) {
    this.dir = dir;
    this.functions = List.copyOf(functions);
    this.counts = counts;
    this.durations = durations;
    this.minutes = minutes;
  }

  public static AzureTrace read(Path dir) throws TraceException {
    Map<String, Double> memory = memory(CsvFile.read(dir.resolve("memory.csv")));
    Map<String, DurationSampler> durations = durations(CsvFile.read(dir.resolve("durations.csv")));
    CsvFile inv = CsvFile.read(dir.resolve("invocations.csv"));
    int owner = inv.column("HashOwner");
    int app = inv.column("HashApp");
    int function = inv.column("HashFunction");
    int trigger = inv.column("Trigger");
    int first = Math.max(Math.max(owner, app), Math.max(function, trigger)) + 1;
    List<String> head = inv.header.fields();
    if (first >= head.size()) {
      throw new TraceException(
          inv.path, inv.header.line(), 1, "no minute columns (expected: 1,2,3,... after Trigger)");
    }
    for (int i = first; i < head.size(); i++) {
      String expected = i == first ? null : Long.toString(Long.parseLong(head.get(i - 1)) + 1);
      boolean ok;
      try {
        long m = Long.parseLong(head.get(i));
        ok = expected == null ? m >= 0 : head.get(i).equals(expected);
      } catch (NumberFormatException e) {
        ok = false;
      }
      if (!ok) {
        throw new TraceException(
            inv.path,
            inv.header.line(),
            inv.header.column(i),
            "minute column \""
                + head.get(i)
                + "\" (expected: "
                + (expected == null ? "a minute number" : expected)
                + ", minutes in order)");
      }
    }
    int minutes = head.size() - first;
    List<TraceFunction> functions = new ArrayList<>();
    List<int[]> counts = new ArrayList<>();
    List<DurationSampler> samplers = new ArrayList<>();
    Map<String, Long> seen = new HashMap<>();
    for (CsvFile.Row row : inv.rows) {
      inv.checkWidth(row);
      String key = row.get(owner) + "," + row.get(app) + "," + row.get(function);
      Long dup = seen.put(key, row.line());
      if (dup != null) {
        throw new TraceException(
            inv.path,
            row.line(),
            row.column(function),
            "function given twice (expected: one row per function; first on line " + dup + ")");
      }
      Double mb = memory.get(key);
      if (mb == null) {
        throw new TraceException(
            inv.path,
            row.line(),
            row.column(function),
            "function " + row.get(function) + " has no row in memory.csv (expected: one)");
      }
      DurationSampler d = durations.get(key);
      if (d == null) {
        throw new TraceException(
            inv.path,
            row.line(),
            row.column(function),
            "function " + row.get(function) + " has no row in durations.csv (expected: one)");
      }
      int[] c = new int[minutes];
      long total = 0;
      for (int m = 0; m < minutes; m++) {
        long n = inv.count(row, first + m, "invocations");
        if (n > Integer.MAX_VALUE / 2) {
          throw new TraceException(
              inv.path,
              row.line(),
              row.column(first + m),
              "invocations \"" + n + "\" (expected: at most " + Integer.MAX_VALUE / 2 + ")");
        }
        c[m] = (int) n;
        total += n;
      }
      int index = functions.size();
      String hash = row.get(function);
      String name =
          String.format(
              java.util.Locale.ROOT,
              "fn-%03d-%s",
              index + 1,
              hash.substring(0, Math.min(8, hash.length())).toLowerCase(java.util.Locale.ROOT));
      functions.add(new TraceFunction(name, hash, row.get(trigger), mb, total));
      counts.add(c);
      samplers.add(d);
    }
    if (functions.isEmpty()) {
      throw new TraceException(inv.path, inv.header.line() + 1, 1, "no functions (expected: rows)");
    }
    return new AzureTrace(
        dir,
        functions,
        counts.toArray(new int[0][]),
        samplers.toArray(new DurationSampler[0]),
        minutes);
  }

  private static Map<String, Double> memory(CsvFile f) throws TraceException {
    int owner = f.column("HashOwner");
    int app = f.column("HashApp");
    int function = f.column("HashFunction");
    int mb = f.column("AverageAllocatedMb");
    Map<String, Double> m = new HashMap<>();
    for (CsvFile.Row row : f.rows) {
      f.checkWidth(row);
      double v = f.number(row, mb, "AverageAllocatedMb", 0);
      if (v <= 0) {
        throw new TraceException(
            f.path, row.line(), row.column(mb), "AverageAllocatedMb \"0\" (expected: > 0)");
      }
      m.put(row.get(owner) + "," + row.get(app) + "," + row.get(function), v);
    }
    return m;
  }

  private static Map<String, DurationSampler> durations(CsvFile f) throws TraceException {
    int owner = f.column("HashOwner");
    int app = f.column("HashApp");
    int function = f.column("HashFunction");
    int[] cols = new int[PERCENTILE_COLUMNS.length];
    for (int i = 0; i < cols.length; i++) {
      cols[i] = f.column(PERCENTILE_COLUMNS[i]);
    }
    Map<String, DurationSampler> m = new HashMap<>();
    for (CsvFile.Row row : f.rows) {
      f.checkWidth(row);
      double[] ms = new double[cols.length];
      for (int i = 0; i < cols.length; i++) {
        ms[i] = f.number(row, cols[i], PERCENTILE_COLUMNS[i], 0);
        if (i > 0 && ms[i] < ms[i - 1]) {
          throw new TraceException(
              f.path,
              row.line(),
              row.column(cols[i]),
              PERCENTILE_COLUMNS[i]
                  + " \""
                  + row.get(cols[i])
                  + "\" (expected: at least "
                  + PERCENTILE_COLUMNS[i - 1]
                  + ", percentiles do not decrease)");
        }
      }
      m.put(
          row.get(owner) + "," + row.get(app) + "," + row.get(function),
          new DurationSampler(DurationSampler.AZURE_PERCENTILES, ms));
    }
    return m;
  }

  @Override
  public String source() {
    return dir + " (Azure Functions 2019 format, " + minutes + " minutes)";
  }

  @Override
  public List<TraceFunction> functions() {
    return functions;
  }

  @Override
  public long windowNanos() {
    return minutes * MINUTE;
  }

  @Override
  public ArrivalCursor arrivals(long seed) {
    return new Cursor(seed);
  }

  /** One generator per function, merged by next arrival time (ties: the lower function first). */
  private final class Cursor implements ArrivalCursor {
    private final Gen[] heap;
    private int size;
    private Gen current;

    Cursor(long seed) {
      SplittableRandom base = new SplittableRandom(seed);
      heap = new Gen[functions.size()];
      for (int f = 0; f < functions.size(); f++) {
        Gen g = new Gen(f, base.split());
        if (g.advance()) {
          heap[size++] = g;
          up(size - 1);
        }
      }
    }

    @Override
    public boolean next() {
      if (current != null) {
        if (current.advance()) {
          heap[0] = current;
          down(0);
        } else {
          heap[0] = heap[--size];
          heap[size] = null;
          if (size > 0) {
            down(0);
          }
        }
      }
      if (size == 0) {
        current = null;
        return false;
      }
      current = heap[0];
      return true;
    }

    @Override
    public long timeNanos() {
      return current.times[current.i];
    }

    @Override
    public int function() {
      return current.f;
    }

    @Override
    public long durationNanos() {
      return current.durations[current.i];
    }

    private boolean less(Gen a, Gen b) {
      long ta = a.times[a.i];
      long tb = b.times[b.i];
      return ta < tb || (ta == tb && a.f < b.f);
    }

    private void up(int k) {
      Gen g = heap[k];
      while (k > 0) {
        int p = (k - 1) >>> 1;
        if (!less(g, heap[p])) {
          break;
        }
        heap[k] = heap[p];
        k = p;
      }
      heap[k] = g;
    }

    private void down(int k) {
      Gen g = heap[k];
      int half = size >>> 1;
      while (k < half) {
        int c = 2 * k + 1;
        if (c + 1 < size && less(heap[c + 1], heap[c])) {
          c++;
        }
        if (!less(heap[c], g)) {
          break;
        }
        heap[k] = heap[c];
        k = c;
      }
      heap[k] = g;
    }
  }

  /** One function's arrivals, a minute at a time. */
  private final class Gen {
    final int f;
    final SplittableRandom rng;
    final int[] perMinute;
    int minute = -1;
    long[] times = new long[0];
    long[] durations = new long[0];
    int n;
    int i;

    Gen(int f, SplittableRandom rng) {
      this.f = f;
      this.rng = rng;
      this.perMinute = counts[f];
    }

    /** Moves to the next arrival; false when there is none. */
    boolean advance() {
      if (++i < n) {
        return true;
      }
      while (++minute < minutes) {
        int c = perMinute[minute];
        if (c > 0) {
          if (times.length < c) {
            times = new long[c];
            durations = new long[c];
          }
          long base = minute * MINUTE;
          for (int k = 0; k < c; k++) {
            times[k] = base + rng.nextLong(MINUTE);
          }
          Arrays.sort(times, 0, c);
          DurationSampler d = AzureTrace.this.durations[f];
          for (int k = 0; k < c; k++) {
            durations[k] = d.sampleNanos(rng);
          }
          n = c;
          i = 0;
          return true;
        }
      }
      n = 0;
      i = 0;
      return false;
    }
  }
}
