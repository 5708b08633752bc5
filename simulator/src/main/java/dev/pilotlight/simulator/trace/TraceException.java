package dev.pilotlight.simulator.trace;

import java.nio.file.Path;

/** A trace that does not parse: where (file, line, column, all 1-based) and why. */
public final class TraceException extends Exception {
  private final transient Path file;
  private final long line;
  private final int column;

  public TraceException(Path file, long line, int column, String message) {
    super(file + ":" + line + ":" + column + ": " + message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** A problem with a whole file (missing, unreadable). */
  public TraceException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
    this.line = 0;
    this.column = 0;
  }

  public Path file() {
    return file;
  }

  public long line() {
    return line;
  }

  public int column() {
    return column;
  }
}
