package dev.pilotlight.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class LoggingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

  final StringWriter out = new StringWriter();

  @AfterEach
  void restoreStderr() {
    Logging.configure("test", Logging.Format.TEXT, Map.of(), new PrintWriter(System.err, true));
  }

  private List<String> lines() {
    return out.toString().lines().toList();
  }

  @Test
  void jsonIsOneObjectPerLineWithTheFields() throws Exception {
    Logging.configure("activator", Logging.Format.JSON, Map.of(), new PrintWriter(out));
    Logging.events().info("{}", "Configuration default/hello: stamped revision \"hello-00001\"");
    try (MDC.MDCCloseable ignored = MDC.putCloseable(Logging.REVISION, "default/hello-00001")) {
      Logging.events().info("Revision default/hello-00001: pilot light on");
    }
    LoggerFactory.getLogger("dev.pilotlight.activator.Gateway")
        .error("cannot\nproxy", new IllegalStateException("broken \"pipe\""));

    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    List<JsonNode> objects = new ArrayList<>();
    for (String line : lines) {
      JsonNode o = JSON.readTree(line);
      assertThat(o.isObject()).as(line).isTrue();
      assertThat(Instant.parse(o.path("time").asText())).isNotNull();
      assertThat(o.path("component").asText()).isEqualTo("activator");
      objects.add(o);
    }
    assertThat(objects.get(0).path("level").asText()).isEqualTo("INFO");
    assertThat(objects.get(0).path("logger").asText()).isEqualTo(Logging.EVENTS);
    assertThat(objects.get(0).path("message").asText())
        .isEqualTo("Configuration default/hello: stamped revision \"hello-00001\"");
    assertThat(objects.get(0).has("revision")).isFalse();
    assertThat(objects.get(0).has("stack")).isFalse();

    assertThat(objects.get(1).path("revision").asText()).isEqualTo("default/hello-00001");

    JsonNode error = objects.get(2);
    assertThat(error.path("level").asText()).isEqualTo("ERROR");
    assertThat(error.path("logger").asText()).isEqualTo("dev.pilotlight.activator.Gateway");
    assertThat(error.path("message").asText()).isEqualTo("cannot\nproxy");
    assertThat(error.path("stack").asText())
        .startsWith("java.lang.IllegalStateException: broken \"pipe\"")
        .contains(
            "\tat dev.pilotlight.cli.logging.LoggingTest.jsonIsOneObjectPerLineWithTheFields");
  }

  @Test
  void textIsTheLinesOfBefore() {
    Logging.configure("local", Logging.Format.TEXT, Map.of(), new PrintWriter(out));
    Logging.events().info("{}", "Configuration default/hello: stamped revision hello-00001");
    LoggerFactory.getLogger("dev.pilotlight.activator.netty.ConnectionErrors")
        .warn("connection reset by {}", "127.0.0.1");
    LoggerFactory.getLogger("io.netty.channel.Whatever").info("not shown: io.netty is at warn");

    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .matches(TIME + " Configuration default/hello: stamped revision hello-00001");
    assertThat(lines.get(1))
        .matches(TIME + " WARN ConnectionErrors - connection reset by 127.0.0.1");
  }

  @Test
  void textPrintsTheStackBelowTheLine() {
    Logging.configure("controller", Logging.Format.TEXT, Map.of(), new PrintWriter(out));
    LoggerFactory.getLogger("dev.pilotlight.cli.kubernetes.ComponentRun")
        .error("{} cannot start", "informers", new IllegalStateException("no CRDs"));

    List<String> lines = lines();
    assertThat(lines.get(0)).matches(TIME + " ERROR ComponentRun - informers cannot start");
    assertThat(lines.get(1)).isEqualTo("java.lang.IllegalStateException: no CRDs");
    assertThat(lines.get(2)).startsWith("\tat ");
  }

  @Test
  void levelsPerLoggerAndADefault() {
    Logging.configure(
        "activator",
        Logging.Format.TEXT,
        Logging.parseLevels("warn, dev.pilotlight.activator=debug,io.netty=error"),
        new PrintWriter(out));
    LoggerFactory.getLogger("dev.pilotlight.activator.Gateway").debug("activator debug");
    LoggerFactory.getLogger("dev.pilotlight.autoscaler.Autoscaler").info("autoscaler info");
    LoggerFactory.getLogger("dev.pilotlight.autoscaler.Autoscaler").warn("autoscaler warn");
    LoggerFactory.getLogger("io.netty.Channel").warn("netty warn");

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0)).endsWith("DEBUG Gateway - activator debug");
    assertThat(lines().get(1)).endsWith("WARN Autoscaler - autoscaler warn");
  }

  @Test
  void parseLevels() {
    assertThat(Logging.parseLevels("debug,dev.pilotlight.activator=TRACE"))
        .containsExactly(
            Map.entry("", Level.DEBUG), Map.entry("dev.pilotlight.activator", Level.TRACE));
    assertThat(Logging.parseLevels(null)).isEmpty();
    assertThatThrownBy(() -> Logging.parseLevels("dev.pilotlight=loud"))
        .hasMessageContaining("'dev.pilotlight=loud': level must be one of");
    assertThatThrownBy(() -> Logging.parseLevels("=debug"))
        .hasMessageContaining("no logger before '='");
  }

  @Command(name = "component")
  static final class Component implements Callable<Integer> {
    @Mixin LoggingOptions logging;

    @Override
    public Integer call() {
      logging.apply("controller");
      LoggerFactory.getLogger("dev.pilotlight.controller.Reconciler").debug("reconciling");
      LoggerFactory.getLogger("dev.pilotlight.cli.Other").debug("not shown");
      return 0;
    }
  }

  @Test
  void theOptionsConfigureTheCommandsStderr() throws Exception {
    int code =
        new CommandLine(new Component())
            .setErr(new PrintWriter(out, true))
            .execute("--log-format=JSON", "--log-level=dev.pilotlight.controller=debug");

    assertThat(code).isZero();
    assertThat(lines()).hasSize(1);
    JsonNode o = JSON.readTree(lines().get(0));
    assertThat(o.path("component").asText()).isEqualTo("controller");
    assertThat(o.path("level").asText()).isEqualTo("DEBUG");
    assertThat(o.path("logger").asText()).isEqualTo("dev.pilotlight.controller.Reconciler");
    assertThat(o.path("message").asText()).isEqualTo("reconciling");
  }

  @picocli.CommandLine.Command(name = "failing")
  static final class Failing implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Mixin LoggingOptions logging;

    @Override
    public Integer call() {
      logging.apply("autoscaler");
      logging.errors().println("invalid configuration in namespace x:\ndata.stable-window: \"1s\"");
      return 1;
    }
  }

  /** The error that ends a component is a JSON line too, multi-line message and all. */
  @Test
  void aComponentsFatalErrorIsOneJsonLine() throws Exception {
    int code =
        new CommandLine(new Failing())
            .setErr(new PrintWriter(out, true))
            .execute("--log-format=json");
    assertThat(code).isEqualTo(1);
    assertThat(lines()).hasSize(1);
    JsonNode o = JSON.readTree(lines().get(0));
    assertThat(o.path("level").asText()).isEqualTo("ERROR");
    assertThat(o.path("component").asText()).isEqualTo("autoscaler");
    assertThat(o.path("message").asText())
        .isEqualTo("invalid configuration in namespace x:\ndata.stable-window: \"1s\"");

    out.getBuffer().setLength(0);
    new CommandLine(new Failing()).setErr(new PrintWriter(out, true)).execute();
    assertThat(out.toString())
        .as("text: the command's stderr as it was")
        .isEqualTo("invalid configuration in namespace x:\ndata.stable-window: \"1s\"\n");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(
            new CommandLine(new Component())
                .setErr(new PrintWriter(out, true))
                .execute("--log-level=dev.pilotlight=loud"))
        .isEqualTo(2);
    assertThat(out.toString()).contains("--log-level: 'dev.pilotlight=loud': level must be one of");
    assertThat(
            new CommandLine(new Component())
                .setErr(new PrintWriter(out, true))
                .execute("--log-format=xml"))
        .isEqualTo(2);
    assertThat(out.toString()).contains("must be text or json (was 'xml')");
  }
}
