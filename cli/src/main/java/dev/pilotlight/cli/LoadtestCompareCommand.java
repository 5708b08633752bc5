package dev.pilotlight.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.loadtest.report.CompareReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pilotlight loadtest compare A.json B.json --report cmp.html}: runs overlaid. */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compare two or more --json results of loadtest in one HTML report: their totals side by",
      "side, and their latency distributions, p99 per second and ready instances overlaid."
    })
public final class LoadtestCompareCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(
      paramLabel = "RESULT.json",
      arity = "2..*",
      description = "Results written by loadtest --json (2 to " + CompareReport.MAX_RUNS + ").")
  List<Path> results;

  @Option(
      names = "--report",
      required = true,
      paramLabel = "FILE",
      description = "The HTML report to write.")
  Path report;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (results.size() > CompareReport.MAX_RUNS) {
      throw new ParameterException(
          spec.commandLine(),
          "RESULT.json: "
              + results.size()
              + " given (expected: at most "
              + CompareReport.MAX_RUNS
              + ")");
    }
    List<CompareReport.Compared> runs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path p : results) {
      JsonNode run;
      try {
        run = JSON.readTree(p.toFile());
      } catch (JsonProcessingException e) {
        throw new ParameterException(
            spec.commandLine(), p + ": not JSON (" + e.getOriginalMessage() + ")");
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), p + ": cannot be read (" + e + ")");
      }
      if (run == null || !run.has("requests") || !run.has("latency_ms")) {
        throw new ParameterException(
            spec.commandLine(), p + ": not a loadtest --json result (no requests, latency_ms)");
      }
      String name = p.getFileName().toString();
      runs.add(new CompareReport.Compared(names.add(name) ? name : p.toString(), run));
    }
    Files.writeString(report, CompareReport.render(runs), StandardCharsets.UTF_8);
    spec.commandLine().getOut().println("wrote " + report + " (" + runs.size() + " runs)");
    spec.commandLine().getOut().flush();
    return 0;
  }
}
