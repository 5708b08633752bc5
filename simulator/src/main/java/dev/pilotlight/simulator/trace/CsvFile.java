package dev.pilotlight.simulator.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a small comma-separated file whole, with every field's line and column kept for messages.
 * No quoting: the traces have none, and a quote is refused.
 */
final class CsvFile {
  /** One line's fields and the column (1-based) each starts at. */
  record Row(long line, List<String> fields, int[] columns) {
    String get(int i) {
      return fields.get(i);
    }

    int column(int i) {
      return columns[i];
    }
  }

  final Path path;
  final Row header;
  final List<Row> rows;

  private CsvFile(Path path, Row header, List<Row> rows) {
    this.path = path;
    this.header = header;
    this.rows = rows;
  }

  static CsvFile read(Path path) throws TraceException {
    if (!Files.isRegularFile(path)) {
      throw new TraceException(path, "no such file");
    }
    List<Row> rows = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String s;
      long line = 0;
      while ((s = r.readLine()) != null) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        rows.add(split(path, line, s));
      }
    } catch (IOException e) {
      throw new TraceException(path, "cannot read: " + e.getMessage());
    }
    if (rows.isEmpty()) {
      throw new TraceException(path, 1, 1, "empty file (expected: a header line)");
    }
    return new CsvFile(path, rows.get(0), rows.subList(1, rows.size()));
  }

  static Row split(Path path, long line, String s) throws TraceException {
    List<String> fields = new ArrayList<>();
    List<Integer> cols = new ArrayList<>();
    int start = 0;
    while (true) {
      int comma = s.indexOf(',', start);
      String f = comma < 0 ? s.substring(start) : s.substring(start, comma);
      int q = f.indexOf('"');
      if (q >= 0) {
        throw new TraceException(
            path, line, start + q + 1, "a quote (expected: plain comma-separated values)");
      }
      fields.add(f.strip());
      cols.add(start + 1);
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    int[] c = new int[cols.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = cols.get(i);
    }
    return new Row(line, fields, c);
  }

  /** The index of column {@code name} in the header. */
  int column(String name) throws TraceException {
    int i = header.fields().indexOf(name);
    if (i < 0) {
      throw new TraceException(
          path, header.line(), 1, "no column " + name + " in the header (expected: " + name + ")");
    }
    return i;
  }

  void checkWidth(Row row) throws TraceException {
    if (row.fields().size() != header.fields().size()) {
      int col = row.column(row.fields().size() - 1);
      throw new TraceException(
          path,
          row.line(),
          col,
          row.fields().size()
              + " fields (expected: "
              + header.fields().size()
              + ", as the header has)");
    }
  }

  double number(Row row, int i, String what, double min) throws TraceException {
    String f = row.get(i);
    try {
      double d = Double.parseDouble(f);
      if (d >= min && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new TraceException(
        path,
        row.line(),
        row.column(i),
        what + " \"" + f + "\" (expected: a number >= " + SvgNumbers.fmt(min) + ")");
  }

  long count(Row row, int i, String what) throws TraceException {
    String f = row.get(i);
    try {
      long n = Long.parseLong(f);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new TraceException(
        path, row.line(), row.column(i), what + " \"" + f + "\" (expected: an integer >= 0)");
  }

  /** Number formatting for messages. */
  static final class SvgNumbers {
    private SvgNumbers() {}

    static String fmt(double d) {
      return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
  }
}
