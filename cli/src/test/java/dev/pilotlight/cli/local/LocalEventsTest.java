package dev.pilotlight.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.cli.logging.Logging;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local controller's events through {@link LocalCommand.Events}: text as before, JSON. */
class LocalEventsTest {
  final StringWriter out = new StringWriter();

  @AfterEach
  void restoreStderr() {
    Logging.configure("test", Logging.Format.TEXT, Map.of(), new PrintWriter(System.err, true));
  }

  @Test
  void textLinesAreTimeAndMessage() {
    Logging.configure("local", Logging.Format.TEXT, Map.of(), new PrintWriter(out));
    LocalCommand.Events events = new LocalCommand.Events();
    events.revisionEvent(
        "default/hello-00001", "Configuration default/hello: stamped revision hello-00001");
    events.event("gateway listening on http://127.0.0.1:8080 (epoll), admin on {}");

    List<String> lines = out.toString().lines().toList();
    assertThat(lines)
        .hasSize(2)
        .satisfiesExactly(
            l ->
                assertThat(l)
                    .matches(
                        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} Configuration default/hello: stamped"
                            + " revision hello-00001"),
            l ->
                assertThat(l)
                    .matches(
                        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} gateway listening on"
                            + " http://127\\.0\\.0\\.1:8080 \\(epoll\\), admin on \\{\\}"));
  }

  @Test
  void jsonCarriesTheRevision() throws Exception {
    Logging.configure("local", Logging.Format.JSON, Map.of(), new PrintWriter(out));
    LocalCommand.Events events = new LocalCommand.Events();
    events.revisionEvent("default/hello-00001", "Revision default/hello-00001: pilot light on");
    events.event("applying hello.yaml");

    List<String> lines = out.toString().lines().toList();
    ObjectMapper json = new ObjectMapper();
    JsonNode first = json.readTree(lines.get(0));
    assertThat(first.path("component").asText()).isEqualTo("local");
    assertThat(first.path("revision").asText()).isEqualTo("default/hello-00001");
    assertThat(first.path("message").asText())
        .isEqualTo("Revision default/hello-00001: pilot light on");
    JsonNode second = json.readTree(lines.get(1));
    assertThat(second.has("revision")).isFalse();
    assertThat(second.path("message").asText()).isEqualTo("applying hello.yaml");
  }
}
