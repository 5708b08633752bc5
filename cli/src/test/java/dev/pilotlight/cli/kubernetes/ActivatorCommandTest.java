package dev.pilotlight.cli.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.netty.Transport;
import dev.pilotlight.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ActivatorCommandTest {
  final StringWriter err = new StringWriter();

  CommandLine commandLine(ActivatorCommand command) {
    return new CommandLine(command).setErr(new PrintWriter(err, true));
  }

  @Test
  void registeredInMain() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("activator");
  }

  @Test
  void defaultsAreTheContracts() {
    ActivatorCommand c = new ActivatorCommand();
    commandLine(c).parseArgs();
    assertThat(c.port).isEqualTo(8080);
    assertThat(c.healthPort).isEqualTo(8090);
    assertThat(c.domain).isNull();
    assertThat(c.autoscalerUrl)
        .isEqualTo(
            URI.create("http://pilotlight-autoscaler.pilotlight-system.svc.cluster.local:8081"));
    assertThat(c.kubernetes.namespace()).isNull();
    assertThat(c.kubernetes.kubeconfig).isNull();
    assertThat(c.transportOption.transport()).isEqualTo(Transport.AUTO);
  }

  @Test
  void theTransportIsChosenOrRefusedByName() {
    ActivatorCommand c = new ActivatorCommand();
    commandLine(c).parseArgs("--transport", "EPOLL");
    assertThat(c.transportOption.transport()).isEqualTo(Transport.EPOLL);
    int code = commandLine(new ActivatorCommand()).execute("--transport", "kqueue");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("--transport")
        .contains("must be one of auto, io_uring, epoll, nio (was 'kqueue')");
  }

  @Test
  void everyOptionParses() {
    ActivatorCommand c = new ActivatorCommand();
    commandLine(c)
        .parseArgs(
            "--port", "9080",
            "--domain", "apps.example.org",
            "--autoscaler-url", "http://autoscaler:8081",
            "--health-port", "9090",
            "--namespace", "team-a",
            "--kubeconfig", "/tmp/kubeconfig");
    assertThat(c.port).isEqualTo(9080);
    assertThat(c.domain).isEqualTo("apps.example.org");
    assertThat(c.autoscalerUrl).isEqualTo(URI.create("http://autoscaler:8081"));
    assertThat(c.healthPort).isEqualTo(9090);
    assertThat(c.kubernetes.namespace()).isEqualTo("team-a");
    assertThat(c.kubernetes.kubeconfig).isEqualTo(Path.of("/tmp/kubeconfig"));
  }

  @Test
  void withoutTheToken_refusesToStartWithAClearError() {
    ActivatorCommand c = new ActivatorCommand();
    c.env = Map.<String, String>of()::get;
    int code = commandLine(c).execute("--kubeconfig", "/nonexistent");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("PILOTLIGHT_STAT_TOKEN is not set")
        .contains("Secret pilotlight-stat-token");
  }

  @Test
  void autoscalerUrlWithoutHttpScheme_usageError() {
    ActivatorCommand c = new ActivatorCommand();
    c.env = Map.of("PILOTLIGHT_STAT_TOKEN", "t")::get;
    int code = commandLine(c).execute("--autoscaler-url", "autoscaler:8081");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("--autoscaler-url: autoscaler:8081 (expected: http://HOST:PORT)");
  }

  @Test
  void unreadableKubeconfig_clearError() {
    ActivatorCommand c = new ActivatorCommand();
    c.env = Map.of("PILOTLIGHT_STAT_TOKEN", "t")::get;
    int code = commandLine(c).execute("--kubeconfig", "/nonexistent/kubeconfig");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("--kubeconfig /nonexistent/kubeconfig: not a readable file");
  }

  @Test
  void systemNamespace_fromPodNamespace_elsePilotlightSystem() {
    assertThat(NetworkConfig.systemNamespace(Map.of("POD_NAMESPACE", "ops")::get)).isEqualTo("ops");
    assertThat(NetworkConfig.systemNamespace(Map.<String, String>of()::get))
        .isEqualTo("pilotlight-system");
  }

  @Test
  void domainFlagWins_withoutAskingTheApiServer() {
    assertThat(NetworkConfig.domain("apps.example.org", null, "pilotlight-system"))
        .isEqualTo("apps.example.org");
  }
}
