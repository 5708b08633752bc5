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

  /** A minute's arrivals are sorted as (instant << INDEX_BITS | index): 36 + 24 bits. */
  static final int INDEX_BITS = 24;

  static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
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
    for (int m = 0; m < minutes; m++) {
      long total = 0;
      for (int[] c : counts) {
        total += c[m];
      }
      if (total > INDEX_MASK) {
        throw new TraceException(
            inv.path,
            inv.header.line(),
            inv.header.column(first + m),
            total
                + " invocations in minute "
                + head.get(first + m)
                + " (expected: at most "
                + INDEX_MASK
                + " over all functions)");
      }
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

  /**
   * A minute at a time over every function: each function draws its invocations' instants and
   * durations from its own random stream, then the minute's arrivals are sorted by instant (ties:
   * in drawing order, so by function). One sort of primitives per minute, no per-request objects.
   */
  private final class Cursor implements ArrivalCursor {
    private final SplittableRandom[] rngs;
    private long[] packed = new long[1024];
    private int[] fnOf = new int[1024];
    private long[] durOf = new long[1024];
    private int minute = -1;
    private int n;
    private int i = -1;
    private long time;
    private int function;
    private long duration;

    Cursor(long seed) {
      SplittableRandom base = new SplittableRandom(seed);
      rngs = new SplittableRandom[functions.size()];
      for (int f = 0; f < rngs.length; f++) {
        rngs[f] = base.split();
      }
    }

    @Override
    public boolean next() {
      while (++i >= n) {
        if (++minute >= minutes) {
          i = n;
          return false;
        }
        load(minute);
        i = -1;
      }
      long p = packed[i];
      int idx = (int) (p & INDEX_MASK);
      time = minute * MINUTE + (p >>> INDEX_BITS);
      function = fnOf[idx];
      duration = durOf[idx];
      return true;
    }

    private void load(int m) {
      n = 0;
      for (int f = 0; f < counts.length; f++) {
        int c = counts[f][m];
        if (c == 0) {
          continue;
        }
        if (n + c > packed.length) {
          int size = Math.max(packed.length * 2, n + c);
          packed = Arrays.copyOf(packed, size);
          fnOf = Arrays.copyOf(fnOf, size);
          durOf = Arrays.copyOf(durOf, size);
        }
        SplittableRandom rng = rngs[f];
        DurationSampler d = durations[f];
        for (int k = 0; k < c; k++) {
          packed[n] = (rng.nextLong(MINUTE) << INDEX_BITS) | n;
          fnOf[n] = f;
          durOf[n] = d.sampleNanos(rng);
          n++;
        }
      }
      Arrays.sort(packed, 0, n);
    }

    @Override
    public long timeNanos() {
      return time;
    }

    @Override
    public int function() {
      return function;
    }

    @Override
    public long durationNanos() {
      return duration;
    }
  }
}
