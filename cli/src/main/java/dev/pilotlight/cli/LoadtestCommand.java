package dev.pilotlight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.generator.LoadGenerator;
import dev.pilotlight.loadtest.generator.Target;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.schedule.Phase;
import dev.pilotlight.loadtest.schedule.Phases;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pilotlight loadtest}: open- or closed-loop HTTP load with honest latency percentiles. */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    description =
        "Send HTTP load to URL and report latency percentiles measured from intended send times.")
public final class LoadtestCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @Parameters(paramLabel = "URL", description = "http://HOST[:PORT][/PATH]")
  URI url;

  @Option(names = "--host", description = "Host header to send, e.g. hello.default.localhost.")
  String host;

  @ArgGroup(multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(names = "--rate", description = "Open loop: requests per second.")
    Double rate;

    @Option(names = "--concurrency", description = "Closed loop: requests kept in flight.")
    Integer concurrency;

    @Option(
        names = "--phases",
        description = "Open loop in phases: DURATION@RATE,... e.g. 30s@0,60s@200,60s@0.")
    String phases;
  }

  @Option(
      names = "--duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Run length with --rate or --concurrency (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--connections",
      defaultValue = "1000",
      description = "Most connections opened (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
  Path json;

  @Option(
      names = "--hgrm",
      paramLabel = "FILE",
      description = "Write the percentile distribution in HdrHistogram's format (ms).")
  Path hgrm;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Target target = Target.of(url, host);
    LatencyRecorder recorder = new LatencyRecorder();
    Duration length;
    try (LoadGenerator generator =
        new LoadGenerator(target, Ticker.system(), connections, timeout, recorder)) {
      if (mode.concurrency != null) {
        length = duration;
        generator
            .runClosed(mode.concurrency, duration)
            .get(duration.plus(timeout).toSeconds() + 30, TimeUnit.SECONDS);
      } else {
        List<Phase> phases =
            mode.phases != null
                ? Phases.parse(mode.phases)
                : List.of(new Phase(duration, mode.rate));
        length = Phases.total(phases);
        generator.runOpen(phases).get(length.plus(timeout).toSeconds() + 30, TimeUnit.SECONDS);
      }
    }
    Map<String, Object> result = summary(recorder, length);
    out.printf(
        "requests %d  errors %d  throughput %.1f/s%nlatency ms  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n",
        result.get("requests"),
        result.get("errors"),
        result.get("throughput_rps"),
        latency(result, "p50"),
        latency(result, "p90"),
        latency(result, "p99"),
        latency(result, "max"));
    recorder.errors().forEach((kind, n) -> out.printf("  %s: %d%n", kind, n));
    out.flush();
    if (json != null) {
      JSON.writeValue(json.toFile(), result);
    }
    if (hgrm != null) {
      try (PrintStream ps = new PrintStream(new FileOutputStream(hgrm.toFile()))) {
        recorder.total().outputPercentileDistribution(ps, 1000.0);
      }
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static double latency(Map<String, Object> result, String key) {
    return (double) ((Map<String, Object>) result.get("latency_ms")).get(key);
  }

  static Map<String, Object> summary(LatencyRecorder recorder, Duration length) {
    Histogram h = recorder.total();
    long errors = recorder.errors().values().stream().mapToLong(Long::longValue).sum();
    long responses = h.getTotalCount();
    long failedWithoutResponse =
        errors
            - recorder.errors().entrySet().stream()
                .filter(e -> e.getKey().startsWith("status "))
                .mapToLong(Map.Entry::getValue)
                .sum();
    Map<String, Object> latency = new LinkedHashMap<>();
    latency.put("p50", h.getValueAtPercentile(50) / 1000.0);
    latency.put("p90", h.getValueAtPercentile(90) / 1000.0);
    latency.put("p99", h.getValueAtPercentile(99) / 1000.0);
    latency.put("max", h.getMaxValue() / 1000.0);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("requests", responses + failedWithoutResponse);
    r.put("errors", errors);
    r.put("error_kinds", recorder.errors());
    r.put("throughput_rps", responses / Math.max(0.001, length.toMillis() / 1000.0));
    r.put("latency_ms", latency);
    r.put("intervals", recorder.intervals());
    return r;
  }
}
