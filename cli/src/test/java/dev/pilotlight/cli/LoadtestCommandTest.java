package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.cli.ValidateCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad `pilotlight loadtest` arguments are refused before any request is sent, naming the rule. */
class LoadtestCommandTest {
  static final String URL = "http://127.0.0.1:9/";

  @Test
  void aLoadIsRequiredUnlessTheScenarioBringsItsOwn() {
    Run r = ValidateCommandTest.run("loadtest", URL);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("one of --rate, --concurrency, --phases or --burst is required");
  }

  @Test
  void anUnknownScenarioNamesTheKnownOnes() {
    Run r = ValidateCommandTest.run("loadtest", URL, "--rate=1", "--scenario=sideways");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--scenario: \"sideways\" (expected: scale-from-zero, step, scale-to-zero or"
                + " pilot-light)");
  }

  @Test
  void scenariosNeedSomethingToObserve() {
    Run r = ValidateCommandTest.run("loadtest", URL, "--rate=1", "--scenario=scale-to-zero");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--scenario scale-to-zero needs --observe NAME");
  }

  @Test
  void stepNeedsPhases() {
    Run r =
        ValidateCommandTest.run(
            "loadtest",
            URL,
            "--concurrency=1",
            "--scenario=step",
            "--observe=hello",
            "--admin-port=9");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--scenario step needs --phases");
  }

  @Test
  void pilotLightNeedsTheServiceToCompareWith() {
    Run r =
        ValidateCommandTest.run(
            "loadtest", URL, "--scenario=pilot-light", "--observe=hello", "--admin-port=9");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--scenario pilot-light needs --observe, --compare-host and --compare-observe");
  }

  @Test
  void aHostHeaderWithControlCharactersIsRefused() {
    Run r = ValidateCommandTest.run("loadtest", URL, "--rate=1", "--host=a\r\nX-Evil: 1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--host:").contains("expected: a host name, printable ASCII");
  }

  @Test
  void warmupIsForPlainRunsOnly() {
    Run r = ValidateCommandTest.run("loadtest", URL, "--burst=5", "--warmup=1s");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--warmup: only without --scenario and --burst");
  }

  @Test
  void noAdminEndpointFailsBeforeAnyLoadIsSent() {
    Run r =
        ValidateCommandTest.run(
            "loadtest", URL, "--rate=1", "--observe=hello", "--admin-port=9", "--duration=1s");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("loadtest: no local Pilotlight answers on admin port 127.0.0.1:9")
        .doesNotContain("sending");
  }

  @Test
  void aUrlIsRequiredButForCompare() {
    Run r = ValidateCommandTest.run("loadtest", "--rate=1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required parameter: 'URL' (or compare results:");
  }

  /** A result as {@code loadtest --json} writes one, reduced to what compare reads. */
  private static String result(double p99) {
    return """
        {"load": "open loop 5s@30", "scenario": {"name": "none"}, "requests": 150, "errors": 0,
         "throughput_rps": 30.0, "load_end_s": 6.0,
         "latency_ms": {"p50": 2.0, "p90": 3.0, "p99": %s, "max": 40.0},
         "ttfb_ms": {"p50": 1.5, "p90": 2.5, "p99": 9.0, "max": 39.0},
         "intervals": [{"t": 1.0, "responses": 30, "p99_ms": %s}],
         "latency_distribution": [{"percentile": 0.0, "ms": 1.0}, {"percentile": 99.0, "ms": %s},
                                  {"percentile": 100.0, "ms": 40.0}],
         "replicas": [{"t": 0.0, "desired": 1, "ready": 0, "reserve": 1},
                      {"t": 2.0, "desired": 1, "ready": 1, "reserve": 1}]}
        """
        .formatted(p99, p99, p99);
  }

  @Test
  void compareWritesOneReportOfTheRunsGiven(@TempDir Path dir) throws Exception {
    Path with = Files.writeString(dir.resolve("with.json"), result(12.5));
    Path without = Files.writeString(dir.resolve("without.json"), result(3300.0));
    Path report = dir.resolve("cmp.html");
    Run r =
        ValidateCommandTest.run(
            "loadtest",
            "compare",
            with.toString(),
            without.toString(),
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("wrote " + report + " (2 runs)");
    String html = Files.readString(report);
    assertThat(html)
        .contains("<th>with.json</th><th>without.json</th>")
        .contains("<td class=\"num\">12.500</td><td class=\"num\">3300.000</td>");
    assertThat(html.split("<svg ", -1)).hasSize(4); // distribution, p99 per second, ready
  }

  @Test
  void compareRefusesWhatIsNotAResultNamingTheFile(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("good.json"), result(1));
    Path notJson = Files.writeString(dir.resolve("broken.json"), "{\"requests\": ");
    Path other = Files.writeString(dir.resolve("other.json"), "{\"kind\": \"Service\"}");
    Path report = dir.resolve("cmp.html");
    Run r =
        ValidateCommandTest.run(
            "loadtest",
            "compare",
            good.toString(),
            notJson.toString(),
            "--report",
            report.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(notJson + ": not JSON");
    r =
        ValidateCommandTest.run(
            "loadtest",
            "compare",
            good.toString(),
            other.toString(),
            "--report",
            report.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(other + ": not a loadtest --json result");
    r = ValidateCommandTest.run("loadtest", "compare", good.toString(), "--report", "x.html");
    assertThat(r.code()).isEqualTo(2);
    assertThat(Files.exists(report)).isFalse();
  }
}
