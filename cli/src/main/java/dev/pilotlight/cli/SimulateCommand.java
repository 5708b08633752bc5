package dev.pilotlight.cli;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.simulator.engine.PolicyResult;
import dev.pilotlight.simulator.engine.SimConfig;
import dev.pilotlight.simulator.engine.Simulation;
import dev.pilotlight.simulator.policy.Policies;
import dev.pilotlight.simulator.policy.Policy;
import dev.pilotlight.simulator.report.Frontier;
import dev.pilotlight.simulator.report.SimHtml;
import dev.pilotlight.simulator.report.SimJson;
import dev.pilotlight.simulator.report.SimulationReport;
import dev.pilotlight.simulator.trace.Trace;
import dev.pilotlight.simulator.trace.TraceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight simulate}: replays a trace in virtual time through the real autoscaler,
 * throttler and pilot light under several policies, and reports cold starts against cost.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a trace in virtual time through Pilotlight's own autoscaler, gateway throttler and",
      "pilot light, once per policy, and compare cold starts against instance memory-time."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:simulated and reported",
      "2:bad arguments, a trace that does not parse or a policy that breaks a rule (nothing"
          + " simulated)"
    })
public final class SimulateCommand implements Callable<Integer> {
  @Option(
      names = "--trace",
      required = true,
      paramLabel = "DIR|FILE",
      description =
          "A directory in the Azure Functions 2019 format (invocations.csv, durations.csv,"
              + " memory.csv), or a CSV file of revision,timestamp_ms,duration_ms rows in time"
              + " order.")
  Path trace;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the HTML report here.")
  Path report;

  @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON results here.")
  Path json;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Arrival instants within each minute, sampled durations, the gateway's random picks"
              + " (default: ${DEFAULT-VALUE}); the same seed gives the same results.")
  long seed;

  @Option(
      names = "--policies",
      split = ",",
      paramLabel = "POLICY",
      description =
          "Policies to compare, comma-separated: presets (default: all of them) or"
              + " NAME:KEY=VALUE;KEY=VALUE... with autoscaling.knative.dev/* and pilotlight.dev/*"
              + " annotations.")
  List<String> policies;

  @Option(
      names = "--cold-start",
      defaultValue = "2s",
      converter = DurationConverter.class,
      description = "Time from an instance's start to ready (default: ${DEFAULT-VALUE}).")
  Duration coldStart;

  @Option(
      names = "--reserve-fraction",
      defaultValue = "0.25",
      description =
          "The pilot light's reserve size as a fraction of the function's memory (default:"
              + " ${DEFAULT-VALUE}).")
  double reserveFraction;

  @Option(
      names = "--container-concurrency",
      defaultValue = "0",
      description =
          "Every revision's containerConcurrency, 0 = unlimited as Knative's default (default:"
              + " ${DEFAULT-VALUE}).")
  int containerConcurrency;

  @Option(
      names = "--memory-mb",
      defaultValue = "128",
      description = "Instance memory for a CSV trace, which has none (default: ${DEFAULT-VALUE}).")
  double memoryMb;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Knative's config-autoscaler ConfigMap (YAML) with the global defaults (default:"
              + " Knative's: 60s window, 30s grace).")
  Path config;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "Policies replayed at once; results do not depend on it (default: ${DEFAULT-VALUE}).")
  int threads;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(reserveFraction > 0 && reserveFraction <= 1)) {
      err.println("--reserve-fraction " + reserveFraction + " (expected: in (0, 1])");
      return 2;
    }
    if (containerConcurrency < 0 || containerConcurrency > 1000) {
      err.println("--container-concurrency " + containerConcurrency + " (expected: 0..1000)");
      return 2;
    }
    if (coldStart.isNegative() || !(memoryMb > 0) || threads < 1) {
      err.println("--cold-start, --memory-mb and --threads must be positive");
      return 2;
    }
    AutoscalerConfig autoscaler;
    try {
      autoscaler = config == null ? AutoscalerConfig.DEFAULTS : AutoscalerConfigs.read(config);
    } catch (IOException | RuntimeException e) {
      err.println("invalid --config " + config + ":\n" + e.getMessage());
      return 2;
    }
    List<Policy> chosen;
    try {
      chosen =
          policies == null || policies.isEmpty()
              ? Policies.PRESETS
              : Policies.parse(policies, autoscaler, containerConcurrency);
    } catch (RuntimeException e) {
      err.println(e.getMessage());
      return 2;
    }
    Trace t;
    try {
      t = Trace.read(trace, memoryMb);
    } catch (TraceException e) {
      err.println(e.getMessage());
      err.println("nothing simulated");
      return 2;
    }
    SimConfig sim =
        SimConfig.defaults()
            .withSeed(seed)
            .withColdStart(coldStart)
            .withReserveFraction(reserveFraction)
            .withContainerConcurrency(containerConcurrency)
            .withAutoscaler(autoscaler);
    long started = System.nanoTime();
    List<PolicyResult> results = Simulation.run(t, chosen, sim, threads);
    double seconds = (System.nanoTime() - started) / 1e9;
    SimulationReport r =
        new SimulationReport(t.source(), t.functions().size(), t.windowNanos(), sim, results);
    try {
      if (json != null) {
        Files.writeString(json, SimJson.render(r), StandardCharsets.UTF_8);
      }
      if (report != null) {
        Files.writeString(report, SimHtml.render(r), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      err.println("cannot write the report: " + e.getMessage());
      return 1;
    }
    summary(out, r, seconds);
    return 0;
  }

  private static void summary(PrintWriter out, SimulationReport r, double seconds) {
    List<PolicyResult> frontier = Frontier.of(r.results());
    out.printf(
        Locale.ROOT,
        "%d functions, %d invocations, %.1f h replayed under %d policies in %.1f s%n",
        r.functions(),
        r.results().isEmpty() ? 0 : r.results().get(0).invocations(),
        r.windowNanos() / 3.6e12,
        r.results().size(),
        seconds);
    out.printf(
        Locale.ROOT,
        "%-24s %12s %10s %10s %10s %14s %14s %14s%n",
        "policy",
        "cold starts",
        "ratio",
        "p50 ms",
        "p99 ms",
        "standard GB-s",
        "reserve GB-s",
        "cost GB-s");
    for (PolicyResult p : r.results()) {
      out.printf(
          Locale.ROOT,
          "%-24s %12d %9.3f%% %10.1f %10.1f %14.0f %14.0f %14.0f%s%n",
          p.policy().name(),
          p.coldStarts(),
          100 * p.coldStartRatio(),
          p.waitP50Ms(),
          p.waitP99Ms(),
          p.standardGbS(),
          p.reserveGbS(),
          p.costGbS(),
          frontier.contains(p) ? "  *" : "");
    }
    out.println("* on the Pareto frontier (no other policy has fewer cold starts at no more cost)");
    out.flush();
  }
}
