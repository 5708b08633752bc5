package dev.pilotlight.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.api.time.Backoff;
import dev.pilotlight.controller.kubernetes.queue.ReconcileLoop;
import dev.pilotlight.controller.kubernetes.queue.ReconcileResult;
import dev.pilotlight.controller.kubernetes.queue.Reconciler;
import dev.pilotlight.controller.kubernetes.queue.WorkQueue;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The controller's revision loop puts the revision on its lines (JSON field {@code revision}). */
class RevisionFieldTest {
  final StringWriter out = new StringWriter();

  @AfterEach
  void restoreStderr() {
    Logging.configure("test", Logging.Format.TEXT, Map.of(), new PrintWriter(System.err, true));
  }

  @Test
  void theRevisionLoopsLinesCarryTheRevision() throws Exception {
    Logging.configure("controller", Logging.Format.JSON, Map.of(), new PrintWriter(out));
    ManualTicker ticker = new ManualTicker();
    WorkQueue<String> queue = new WorkQueue<>(new ManualScheduler(ticker), ticker);
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    Reconciler<String> logging =
        key -> {
          LoggerFactory.getLogger("dev.pilotlight.controller.Test").info("reconciled {}", key);
          return ReconcileResult.done();
        };
    queue.add("default/hello-00001");
    assertThat(new ReconcileLoop<>("revision", queue, logging, backoff).processNext()).isTrue();
    queue.add("default/hello");
    assertThat(new ReconcileLoop<>("route", queue, logging, backoff).processNext()).isTrue();

    List<String> lines = out.toString().lines().toList();
    ObjectMapper json = new ObjectMapper();
    JsonNode revision = json.readTree(lines.get(0));
    assertThat(revision.path("revision").asText()).isEqualTo("default/hello-00001");
    assertThat(revision.path("message").asText()).isEqualTo("reconciled default/hello-00001");
    JsonNode route = json.readTree(lines.get(1));
    assertThat(route.has("revision")).isFalse();
    assertThat(MDC.get("revision")).as("removed after the reconcile").isNull();
  }
}
