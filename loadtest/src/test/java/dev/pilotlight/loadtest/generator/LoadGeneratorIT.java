package dev.pilotlight.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.loadtest.record.LatencyRecorder;
import dev.pilotlight.loadtest.schedule.Phases;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generator against a real local server with a known fixed delay, and one that stalls. */
class LoadGeneratorIT {
  static final long DELAY_MS = 20;
  final ScheduledExecutorService delayer = Executors.newScheduledThreadPool(2);
  final AtomicLong stallUntil = new AtomicLong();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  HttpServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true"); // no Nagle + delayed-ACK stalls
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        ex -> {
          clientPorts.add(ex.getRemoteAddress().getPort());
          long now = System.currentTimeMillis();
          long delay = Math.max(DELAY_MS, stallUntil.get() - now);
          delayer.schedule(
              () -> {
                try (OutputStream out = ex.getResponseBody()) {
                  byte[] body = "ok".getBytes();
                  ex.sendResponseHeaders(
                      ex.getRequestURI().getPath().equals("/fail") ? 503 : 200, body.length);
                  out.write(body);
                } catch (Exception e) {
                  ex.close();
                }
              },
              delay,
              TimeUnit.MILLISECONDS);
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    delayer.shutdownNow();
  }

  LatencyRecorder run(String path, String phases) throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    try (LoadGenerator g =
        new LoadGenerator(
            Target.of(URI.create("http://127.0.0.1:" + port + path), null),
            Ticker.system(),
            200,
            Duration.ofSeconds(5),
            recorder)) {
      g.runOpen(Phases.parse(phases)).get(60, TimeUnit.SECONDS);
    }
    return recorder;
  }

  @Test
  void openLoopSendsTheScheduleAndMeasuresTheServersDelay() throws Exception {
    LatencyRecorder r = run("/", "2s@100");
    assertThat(r.total().getTotalCount()).isEqualTo(200);
    assertThat(r.errors()).isEmpty();
    assertThat(r.total().getValueAtPercentile(50) / 1000.0).isGreaterThanOrEqualTo(DELAY_MS);
    assertThat(r.intervals()).isNotEmpty();
  }

  @Test
  void aStallShowsUpInThePercentiles() throws Exception {
    stallUntil.set(System.currentTimeMillis() + 1000);
    LatencyRecorder r = run("/", "2s@100");
    assertThat(r.total().getTotalCount()).isEqualTo(200);
    // the requests intended during the stall all waited for its end
    assertThat(r.total().getValueAtPercentile(75) / 1000.0).isGreaterThan(200);
  }

  @Test
  void errorsAreClassified() throws Exception {
    assertThat(run("/fail", "1s@20").errors()).containsEntry("status 503", 20L);
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    LatencyRecorder recorder = new LatencyRecorder();
    try (LoadGenerator g =
        new LoadGenerator(
            new Target("127.0.0.1", closed, "/", "x"),
            Ticker.system(),
            10,
            Duration.ofSeconds(2),
            recorder)) {
      g.runOpen(Phases.parse("1s@10")).get(30, TimeUnit.SECONDS);
    }
    assertThat(recorder.errors()).containsEntry("connection refused", 10L);
  }

  @Test
  void closedLoopKeepsTheConcurrency() throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    try (LoadGenerator g =
        new LoadGenerator(
            Target.of(URI.create("http://127.0.0.1:" + port + "/"), null),
            Ticker.system(),
            10,
            Duration.ofSeconds(5),
            recorder)) {
      g.runClosed(4, Duration.ofSeconds(1)).get(30, TimeUnit.SECONDS);
    }
    // 4 in flight, ~20 ms each, for 1 s: about 200 responses
    assertThat(recorder.total().getTotalCount()).isBetween(40L, 400L);
    assertThat(recorder.errors()).isEmpty();
  }

  @Test
  void aBurstSendsEveryRequestAtOnceEachOnItsOwnConnection() throws Exception {
    LatencyRecorder recorder = new LatencyRecorder();
    try (LoadGenerator g =
        new LoadGenerator(
            Target.of(URI.create("http://127.0.0.1:" + port + "/"), null),
            Ticker.system(),
            100,
            Duration.ofSeconds(5),
            recorder)) {
      g.runBurst(30).get(30, TimeUnit.SECONDS);
      assertThat(g.lastResponseNanos()).isGreaterThan(g.startNanos());
    }
    assertThat(recorder.total().getTotalCount()).isEqualTo(30);
    assertThat(recorder.firstByteTotal().getTotalCount()).isEqualTo(30);
    assertThat(recorder.firstByteTotal().getMinValue() / 1000.0).isGreaterThanOrEqualTo(DELAY_MS);
    assertThat(clientPorts).hasSize(30);
  }
}
