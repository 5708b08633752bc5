package dev.pilotlight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.generator.Target;
import dev.pilotlight.loadtest.observe.AdminReplicaSource;
import dev.pilotlight.loadtest.observe.KubernetesReplicaSource;
import dev.pilotlight.loadtest.observe.ReplicaSample;
import dev.pilotlight.loadtest.observe.ReplicaSource;
import dev.pilotlight.loadtest.report.HtmlReport;
import dev.pilotlight.loadtest.report.JsonReport;
import dev.pilotlight.loadtest.report.Metric;
import dev.pilotlight.loadtest.report.RunResult;
import dev.pilotlight.loadtest.report.Summary;
import dev.pilotlight.loadtest.scenario.Load;
import dev.pilotlight.loadtest.scenario.LoadRun;
import dev.pilotlight.loadtest.scenario.LoadRun.ScenarioException;
import dev.pilotlight.loadtest.scenario.PilotLightRun;
import dev.pilotlight.loadtest.scenario.Scenario;
import dev.pilotlight.loadtest.schedule.Phase;
import dev.pilotlight.loadtest.schedule.Phases;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight loadtest}: open- or closed-loop HTTP load with honest latency percentiles,
 * replicas observed while it runs, scenarios, and JSON, hgrm and HTML reports.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    subcommands = LoadtestCompareCommand.class,
    description = {
      "Send HTTP load to URL, watch the replicas of --observe NAME scale, and report.",
      "Latency counts from each request's intended send time (no coordinated omission)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the run completed",
      "1:a scenario could not do its part (e.g. never reached zero within --wait)",
      "2:bad arguments, or nothing to observe under that name"
    })
public final class LoadtestCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  @Parameters(
      paramLabel = "URL",
      arity = "0..1",
      description = "http://HOST[:PORT][/PATH] (required, but with the compare subcommand)")
  URI url;

  @Option(names = "--host", description = "Host header to send, e.g. hello.default.localhost.")
  String host;

  @ArgGroup(multiplicity = "0..1")
  Mode mode;

  static final class Mode {
    @Option(names = "--rate", description = "Open loop: requests per second for --duration.")
    Double rate;

    @Option(names = "--concurrency", description = "Closed loop: requests kept in flight.")
    Integer concurrency;

    @Option(
        names = "--phases",
        description = "Open loop in phases: DURATION@RATE,... e.g. 30s@0,60s@200,60s@0.")
    String phases;

    @Option(names = "--burst", description = "N requests at once, each on its own connection.")
    Integer burst;
  }

  @Option(
      names = "--duration",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Run length with --rate or --concurrency (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--scenario",
      description =
          "scale-from-zero (wait for zero, then --burst, default 10), step (--phases), or"
              + " scale-to-zero (the load, then idle until zero), pilot-light (first request"
              + " after idle, --observe vs --compare-observe). Needs --observe.")
  String scenario;

  @Option(
      names = "--compare-host",
      paramLabel = "HOST",
      description =
          "pilot-light: Host header of the service without the pilot light (same URL otherwise).")
  String compareHost;

  @Option(
      names = "--compare-observe",
      paramLabel = "NAME",
      description = "pilot-light: the service without the pilot light, as --observe names it.")
  String compareObserve;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "pilot-light: first requests after idle to each (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--observe",
      paramLabel = "NAME",
      description =
          "Service, configuration or revision whose replicas to sample ([NAMESPACE/]NAME).")
  String observe;

  @Option(
      names = "--admin-port",
      defaultValue = "9090",
      description = "Admin port of the local Pilotlight to observe (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Observe through the Kubernetes API with this kubeconfig.")
  Path kubeconfig;

  @Option(
      names = "--kubernetes",
      description =
          "Observe through the Kubernetes API, configured as kubectl is ($KUBECONFIG,"
              + " ~/.kube/config, or in-cluster).")
  boolean kubernetes;

  @Option(
      names = "--observe-interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Time between replica samples (default: ${DEFAULT-VALUE}).")
  Duration observeInterval;

  @Option(
      names = "--wait",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description =
          "Longest wait for zero before the load and for the scenario's end after it"
              + " (default: ${DEFAULT-VALUE}).")
  Duration waitTimeout;

  @Option(
      names = "--warmup",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description =
          "Send the same load for this long first, unrecorded, so the JIT has compiled the"
              + " generator (benchmarks; not with --scenario or --burst).")
  Duration warmup;

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

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write a self-contained HTML report with charts.")
  Path report;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (url == null) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing required parameter: 'URL' (or compare results: loadtest compare A.json B.json"
              + " --report FILE.html)");
    }
    Scenario sc;
    Load load;
    Target target;
    try {
      sc = scenario == null ? Scenario.NONE : Scenario.parse(scenario);
      load = load(sc);
      target = Target.of(url, host);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    LoadRun.Settings settings =
        new LoadRun.Settings(target, connections, timeout, waitTimeout, observeInterval, warmup);
    RunResult result;
    try (ReplicaSource source = source(observe)) {
      if (sc == Scenario.PILOT_LIGHT) {
        if (compareHost == null || compareObserve == null || source == null) {
          throw new ParameterException(
              spec.commandLine(),
              "--scenario pilot-light needs --observe, --compare-host and --compare-observe");
        }
        try (ReplicaSource other = source(compareObserve)) {
          result =
              new PilotLightRun(settings, Ticker.system(), err)
                  .run(
                      new PilotLightRun.Side(target, source),
                      new PilotLightRun.Side(Target.of(url, compareHost), other),
                      rounds);
        }
      } else {
        result = new LoadRun(settings, Ticker.system(), source, err).run(sc, load);
      }
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    } catch (ScenarioException e) {
      err.println("scenario " + sc.cliName() + ": " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("loadtest: " + e.getMessage());
      return 1;
    }
    print(out, result);
    if (hgrm != null) {
      try (PrintStream ps = new PrintStream(new FileOutputStream(hgrm.toFile()))) {
        result.latency().outputPercentileDistribution(ps, 1000.0); // microseconds → ms
      }
    }
    if (json != null) {
      JSON.writeValue(json.toFile(), JsonReport.of(result));
    }
    if (report != null) {
      Files.writeString(report, HtmlReport.render(result), StandardCharsets.UTF_8);
    }
    return 0;
  }

  private Load load(Scenario sc) {
    if (sc == Scenario.PILOT_LIGHT) {
      if (mode != null) {
        throw new IllegalArgumentException(
            "--scenario pilot-light sends its own requests (no --rate, --concurrency, --phases or"
                + " --burst)");
      }
      return new Load.Burst(1);
    }
    if (mode == null) {
      if (sc == Scenario.SCALE_FROM_ZERO) {
        return new Load.Burst(10);
      }
      throw new IllegalArgumentException(
          "one of --rate, --concurrency, --phases or --burst is required");
    }
    if (mode.burst != null) {
      if (mode.burst < 1) {
        throw new IllegalArgumentException("--burst: " + mode.burst + " (expected: >= 1)");
      }
      return new Load.Burst(mode.burst);
    }
    if (mode.concurrency != null) {
      if (mode.concurrency < 1) {
        throw new IllegalArgumentException(
            "--concurrency: " + mode.concurrency + " (expected: >= 1)");
      }
      return new Load.Closed(mode.concurrency, duration);
    }
    List<Phase> phases =
        mode.phases != null ? Phases.parse(mode.phases) : List.of(new Phase(duration, mode.rate));
    return new Load.Open(phases);
  }

  /** The replica source the options ask for, for {@code name}; null without --observe. */
  private ReplicaSource source(String name) throws IOException {
    if (name == null) {
      if (kubeconfig != null || kubernetes) {
        throw new ParameterException(
            spec.commandLine(), "--kubeconfig/--kubernetes need --observe NAME");
      }
      return null;
    }
    if (kubeconfig != null) {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      return new KubernetesReplicaSource(
          new KubernetesClientBuilder().withConfig(config).build(), name, true);
    }
    if (kubernetes) {
      return new KubernetesReplicaSource(new KubernetesClientBuilder().build(), name, true);
    }
    return new AdminReplicaSource(adminPort, name);
  }

  private static void print(PrintWriter out, RunResult r) {
    Summary s = r.summary();
    out.printf(
        "requests %d  errors %d  throughput %.1f/s%n"
            + "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n"
            + "ttfb ms     p50 %.3f  p90 %.3f  p99 %.3f  max %.3f%n",
        s.requests(),
        s.errors(),
        s.throughputRps(),
        s.latencyMs().p50(),
        s.latencyMs().p90(),
        s.latencyMs().p99(),
        s.latencyMs().max(),
        s.firstByteMs().p50(),
        s.firstByteMs().p90(),
        s.firstByteMs().p99(),
        s.firstByteMs().max());
    s.errorKinds().forEach((kind, n) -> out.printf("  %s: %d%n", kind, n));
    if (!r.replicas().isEmpty()) {
      ReplicaSample last = r.replicas().get(r.replicas().size() - 1);
      out.printf(
          "replicas    peak desired %d  peak ready %d  at end: desired %d ready %d reserve %d"
              + "  (%d samples, %d scale events)%n",
          r.replicas().stream().mapToInt(ReplicaSample::desired).max().orElse(0),
          r.replicas().stream().mapToInt(ReplicaSample::ready).max().orElse(0),
          last.desired(),
          last.ready(),
          last.reserve(),
          r.replicas().size(),
          r.events().size());
    }
    for (Metric m : r.metrics()) {
      out.printf("  %s: %s%n", m.label(), m.display());
    }
    out.flush();
  }
}
