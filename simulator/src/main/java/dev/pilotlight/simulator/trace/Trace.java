package dev.pilotlight.simulator.trace;

import java.util.List;

/** A checked trace: its functions, its length, and its requests as often as they are replayed. */
public interface Trace {
  /** What was read, for the report. */
  String source();

  /** The functions, in the trace's order. */
  List<TraceFunction> functions();

  /** The replayed window: from 0 to this. */
  long windowNanos();

  /**
   * The requests from the start, in time order; the same {@code seed} gives the same requests
   * (arrival times within a minute and sampled durations, where the trace leaves them open).
   */
  ArrivalCursor arrivals(long seed);

  /** Invocations over all functions. */
  default long invocations() {
    long n = 0;
    for (TraceFunction f : functions()) {
      n += f.invocations();
    }
    return n;
  }

  /** Reads a directory in the Azure Functions 2019 format, else a per-request CSV file. */
  static Trace read(java.nio.file.Path path, double csvMemoryMb) throws TraceException {
    if (java.nio.file.Files.isDirectory(path)) {
      return AzureTrace.read(path);
    }
    return CsvTrace.read(path, csvMemoryMb);
  }
}
