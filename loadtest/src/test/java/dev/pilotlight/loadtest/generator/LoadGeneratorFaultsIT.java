package dev.pilotlight.loadtest.generator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator's error classes against a WireMock server's faults: each failed request is
 * counted under the one kind a user reads in the report.
 */
class LoadGeneratorFaultsIT {
  private WireMockServer server;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  /** The error kinds of a burst of {@code n} to {@code path} on {@code port}. */
  private static Map<String, Long> burst(int port, String path, int n, Duration timeout)
      throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    try (LoadGenerator g =
        new LoadGenerator(
            Target.of(URI.create("http://127.0.0.1:" + port + path), null),
            Ticker.system(),
            n,
            timeout,
            recorder)) {
      g.runBurst(n).get(60, TimeUnit.SECONDS);
    }
    return recorder.errors();
  }

  @Test
  void aResetBeforeOrDuringTheResponseIsAConnectionReset() throws Exception {
    server.stubFor(get("/reset").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    server.stubFor(get("/empty").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
    assertThat(burst(server.port(), "/reset", 3, Duration.ofSeconds(10)))
        .containsExactly(Map.entry("connection reset", 3L));
    assertThat(burst(server.port(), "/empty", 3, Duration.ofSeconds(10)))
        .containsExactly(Map.entry("connection reset", 3L));
  }

  @Test
  void anErrorStatusIsCountedByItsCode() throws Exception {
    server.stubFor(get("/busy").willReturn(aResponse().withStatus(503)));
    assertThat(burst(server.port(), "/busy", 4, Duration.ofSeconds(10)))
        .containsExactly(Map.entry("status 503", 4L));
  }

  @Test
  void anAnswerPastTheTimeoutIsATimeout() throws Exception {
    server.stubFor(get("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(10_000)));
    assertThat(burst(server.port(), "/slow", 2, Duration.ofMillis(500)))
        .containsExactly(Map.entry("timeout", 2L));
  }

  @Test
  void noListenerIsAConnectionRefused() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    assertThat(burst(port, "/", 2, Duration.ofSeconds(10)))
        .containsExactly(Map.entry("connection refused", 2L));
  }
}
