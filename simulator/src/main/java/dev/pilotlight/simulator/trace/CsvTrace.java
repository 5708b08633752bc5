package dev.pilotlight.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-request CSV a user exports from their logs: {@code revision,timestamp_ms,duration_ms} (an
 * optional header line of exactly those names), rows in time order; timestamps are milliseconds
 * from any origin (the first row is time 0), durations milliseconds (decimals allowed, at least 1
 * ms is used). Every revision's instances have the same given memory. The whole file is checked
 * first; the replay then streams it again, so memory does not grow with its length.
 */
public final class CsvTrace implements Trace {
  public static final String HEADER = "revision,timestamp_ms,duration_ms";
  private static final long MS = 1_000_000L;

  private final Path file;
  private final List<TraceFunction> functions;
  private final Map<String, Integer> index;
  private final long originMs;
  private final long windowNanos;

  private CsvTrace(
      Path file,
      List<TraceFunction> functions,
      Map<String, Integer> index,
      long originMs,
      long windowNanos) {
    this.file = file;
    this.functions = List.copyOf(functions);
    this.index = Map.copyOf(index);
    this.originMs = originMs;
    this.windowNanos = windowNanos;
  }

  public static CsvTrace read(Path file, double memoryMb) throws TraceException {
    if (!Files.isRegularFile(file)) {
      throw new TraceException(
          file,
          "no such file (expected: a directory in the Azure format or a " + HEADER + " CSV file)");
    }
    Map<String, long[]> counts = new LinkedHashMap<>();
    long origin = -1;
    long previous = -1;
    double lastEndMs = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      long line = 0;
      boolean first = true;
      while ((s = r.readLine()) != null) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        if (first && s.strip().equals(HEADER)) {
          first = false;
          continue;
        }
        first = false;
        CsvFile.Row row = CsvFile.split(file, line, s);
        if (row.fields().size() != 3) {
          throw new TraceException(
              file,
              line,
              row.column(Math.min(row.fields().size(), 4) - 1),
              row.fields().size() + " fields (expected: 3, " + HEADER + ")");
        }
        String revision = row.get(0);
        if (revision.isEmpty() || revision.chars().anyMatch(Character::isWhitespace)) {
          throw new TraceException(
              file, line, row.column(0), "revision \"" + revision + "\" (expected: a name)");
        }
        long t;
        try {
          t = Long.parseLong(row.get(1));
        } catch (NumberFormatException e) {
          t = -1;
        }
        if (t < 0) {
          throw new TraceException(
              file,
              line,
              row.column(1),
              "timestamp_ms \"" + row.get(1) + "\" (expected: an integer >= 0)");
        }
        if (t < previous) {
          throw new TraceException(
              file,
              line,
              row.column(1),
              "timestamp_ms "
                  + t
                  + " is before the previous row's "
                  + previous
                  + " (expected: rows in time order; sort -t, -k2,2n)");
        }
        previous = t;
        double d;
        try {
          d = Double.parseDouble(row.get(2));
        } catch (NumberFormatException e) {
          d = -1;
        }
        if (!(d >= 0) || !Double.isFinite(d)) {
          throw new TraceException(
              file,
              line,
              row.column(2),
              "duration_ms \"" + row.get(2) + "\" (expected: a number >= 0)");
        }
        if (origin < 0) {
          origin = t;
        }
        lastEndMs = Math.max(lastEndMs, (t - origin) + Math.max(1, d));
        counts.computeIfAbsent(revision, k -> new long[1])[0]++;
      }
    } catch (IOException e) {
      throw new TraceException(file, "cannot read: " + e.getMessage());
    }
    if (counts.isEmpty()) {
      throw new TraceException(file, 1, 1, "no requests (expected: rows of " + HEADER + ")");
    }
    List<TraceFunction> functions = new ArrayList<>();
    Map<String, Integer> index = new HashMap<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      index.put(e.getKey(), functions.size());
      functions.add(new TraceFunction(e.getKey(), e.getKey(), "", memoryMb, e.getValue()[0]));
    }
    long window = (long) Math.ceil(lastEndMs / 1000.0) * 1000 * MS;
    return new CsvTrace(file, functions, index, origin, Math.max(window, 1000 * MS));
  }

  @Override
  public String source() {
    return file + " (per-request CSV)";
  }

  @Override
  public List<TraceFunction> functions() {
    return functions;
  }

  @Override
  public long windowNanos() {
    return windowNanos;
  }

  /** The rows as they are: the seed changes nothing, the file says everything. */
  @Override
  public ArrivalCursor arrivals(long seed) {
    BufferedReader r;
    try {
      r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrivalCursor() {
      long time;
      int function;
      long duration;

      @Override
      public boolean next() {
        try {
          String s;
          while ((s = r.readLine()) != null) {
            if (s.isBlank() || s.strip().equals(HEADER)) {
              continue;
            }
            int a = s.indexOf(',');
            int b = s.indexOf(',', a + 1);
            function = index.get(s.substring(0, a).strip());
            time = (Long.parseLong(s.substring(a + 1, b).strip()) - originMs) * MS;
            double ms = Double.parseDouble(s.substring(b + 1).strip());
            duration = Math.max(MS, Math.round(ms * MS));
            return true;
          }
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
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

      @Override
      public void close() {
        try {
          r.close();
        } catch (IOException e) {
          // read only
        }
      }
    };
  }
}
