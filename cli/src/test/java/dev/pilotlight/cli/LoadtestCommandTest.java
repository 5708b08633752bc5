package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.cli.ValidateCommandTest.Run;
import org.junit.jupiter.api.Test;

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
}
