package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.activator.ClientLimits;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** The gateway's client limits: flags over {@code config-network}'s keys over the defaults. */
class ClientLimitsOptionsTest {
  private static final String SOURCE = "ConfigMap pilotlight-system/config-network";

  @Command(name = "test")
  static final class Holder {
    @Mixin ClientLimitsOptions options;
    @Spec CommandLine.Model.CommandSpec spec;
  }

  private static Holder parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h;
  }

  private static ClientLimits resolve(Map<String, String> config, String... args) {
    Holder h = parse(args);
    return h.options.resolve(h.spec, config, SOURCE);
  }

  @Test
  void withNothingGivenTheDefaultsHold() {
    assertThat(resolve(Map.of())).isEqualTo(ClientLimits.defaults());
  }

  @Test
  void aFlagWinsOverTheConfigMapWhichWinsOverTheDefault() {
    ClientLimits l =
        resolve(
            Map.of(
                "client-header-timeout", "10s",
                "client-keepalive-timeout", "2m",
                "client-body-timeout", "1m30s",
                "client-http2-idle-timeout", "5m",
                "max-client-connections", "5000",
                "domain", "example.org"),
            "--client-header-timeout",
            "20s",
            "--max-client-connections",
            "100");
    assertThat(l)
        .isEqualTo(
            new ClientLimits(
                Duration.ofSeconds(20),
                Duration.ofMinutes(2),
                Duration.ofSeconds(90),
                Duration.ofMinutes(5),
                100));
  }

  @Test
  void aBadValueIsRefusedNamingTheKeyOrFlagAndTheRule() {
    assertThatThrownBy(() -> resolve(Map.of("client-body-timeout", "soon")))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "client-body-timeout in "
                + SOURCE
                + ": \"soon\" is not a duration (expected: e.g. 30s, 1m30s)");
    assertThatThrownBy(() -> resolve(Map.of("client-header-timeout", "0s")))
        .hasMessage("client-header-timeout in " + SOURCE + ": must be positive, was 0ms");
    assertThatThrownBy(() -> resolve(Map.of(), "--client-keepalive-timeout", "0s"))
        .hasMessage("--client-keepalive-timeout: must be positive, was 0ms");
    assertThatThrownBy(() -> resolve(Map.of("max-client-connections", "many")))
        .hasMessageStartingWith("max-client-connections in " + SOURCE + ": \"many\" is not");
    assertThatThrownBy(() -> resolve(Map.of(), "--max-client-connections", "-1"))
        .hasMessage(
            "--max-client-connections: must be 0 (derived from the open-files limit) or positive,"
                + " was -1");
  }
}
