package dev.pilotlight.simulator.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  static final Path SLICE = Path.of("src", "test", "resources", "azure-slice");

  @TempDir Path dir;

  @Test
  void theAzureSliceReads_sixteenFunctionsEightHours() throws Exception {
    Trace t = Trace.read(SLICE, 128);
    assertThat(t.functions()).hasSize(16);
    assertThat(t.invocations()).isEqualTo(5227);
    assertThat(t.windowNanos()).isEqualTo(480 * 60_000_000_000L);
    assertThat(t.functions().get(0).name()).startsWith("fn-001-");
    assertThat(t.functions().get(0).memoryMb()).isPositive();
  }

  @Test
  void arrivalsAreInTimeOrder_eachMinutesCountInItsMinute_sameSeedSameArrivals() throws Exception {
    Trace t = Trace.read(SLICE, 128);
    List<long[]> a = drain(t.arrivals(7));
    assertThat(a).hasSize(5227);
    for (int i = 1; i < a.size(); i++) {
      assertThat(a.get(i)[0]).isGreaterThanOrEqualTo(a.get(i - 1)[0]);
    }
    assertThat(a).allSatisfy(x -> assertThat(x[2]).isGreaterThanOrEqualTo(1_000_000L));
    assertThat(drain(t.arrivals(7))).usingRecursiveComparison().isEqualTo(a);
    assertThat(drain(t.arrivals(8)).get(0)[0]).isNotEqualTo(a.get(0)[0]);
  }

  static List<long[]> drain(ArrivalCursor c) {
    List<long[]> out = new ArrayList<>();
    while (c.next()) {
      out.add(new long[] {c.timeNanos(), c.function(), c.durationNanos()});
    }
    return out;
  }

  @Test
  void durationsFollowThePercentiles() {
    DurationSampler d =
        new DurationSampler(
            DurationSampler.AZURE_PERCENTILES, new double[] {1, 2, 10, 20, 30, 90, 100});
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    long[] x = new long[100_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = d.sampleNanos(rng);
    }
    java.util.Arrays.sort(x);
    assertThat(x[50_000] / 1e6).isBetween(19.5, 20.5);
    assertThat(x[75_000] / 1e6).isBetween(29.5, 30.5);
  }

  @Test
  void aCsvTraceReads_andStreamsItsRows() throws Exception {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, "revision,timestamp_ms,duration_ms\na,1000,5\nb,1500,2.5\na,4000,100\n");
    Trace t = Trace.read(f, 256);
    assertThat(t.functions()).extracting(TraceFunction::name).containsExactly("a", "b");
    assertThat(t.functions()).extracting(TraceFunction::invocations).containsExactly(2L, 1L);
    assertThat(t.windowNanos()).as("3.1 s, rounded up").isEqualTo(4_000_000_000L);
    List<long[]> a = drain(t.arrivals(1));
    assertThat(a.get(1)).containsExactly(500_000_000L, 1, 2_500_000L);
  }

  @Test
  void aBadCsvRowNamesFileLineAndColumn() throws Exception {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "revision,timestamp_ms,duration_ms\na,1000,5\na,x1,5\n");
    assertThatThrownBy(() -> Trace.read(f, 128))
        .isInstanceOf(TraceException.class)
        .hasMessage(f + ":3:3: timestamp_ms \"x1\" (expected: an integer >= 0)");
    Files.writeString(f, "a,1000,5\na,900,5\n");
    assertThatThrownBy(() -> Trace.read(f, 128))
        .hasMessage(
            f
                + ":2:3: timestamp_ms 900 is before the previous row's 1000 (expected: rows in"
                + " time order; sort -t, -k2,2n)");
    Files.writeString(f, "a,1000\n");
    assertThatThrownBy(() -> Trace.read(f, 128))
        .hasMessage(f + ":1:3: 2 fields (expected: 3, revision,timestamp_ms,duration_ms)");
    Files.writeString(f, "a,1000,-1\n");
    assertThatThrownBy(() -> Trace.read(f, 128))
        .hasMessage(f + ":1:8: duration_ms \"-1\" (expected: a number >= 0)");
  }

  @Test
  void aBadAzureCellNamesFileLineAndColumn() throws Exception {
    Path d = dir.resolve("azure");
    Files.createDirectories(d);
    for (String n : List.of("durations.csv", "memory.csv")) {
      Files.copy(SLICE.resolve(n), d.resolve(n));
    }
    List<String> lines = Files.readAllLines(SLICE.resolve("invocations.csv"));
    String row = lines.get(2);
    int col = row.indexOf(",0,") + 1; // the first zero count
    lines.set(2, row.substring(0, col) + "-3" + row.substring(col + 1));
    Files.write(d.resolve("invocations.csv"), lines);
    assertThatThrownBy(() -> Trace.read(d, 128))
        .isInstanceOf(TraceException.class)
        .hasMessage(
            d.resolve("invocations.csv")
                + ":3:"
                + (col + 1)
                + ": invocations \"-3\" (expected: an integer >= 0)");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> Trace.read(dir, 128))
        .hasMessage(dir.resolve("memory.csv") + ": no such file");
  }
}
