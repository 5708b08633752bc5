package dev.pilotlight.cli.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.activator.MetricsExposition;
import dev.pilotlight.cli.HttpReplies;
import dev.pilotlight.controller.status.StatusSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /status} (the status snapshot as JSON), {@code GET /metrics} (the gateway's
 * Prometheus series, in OpenMetrics when the scraper's {@code Accept} asks for it, else the
 * Prometheus text format) and {@code GET /healthz} on 127.0.0.1 only: the admin endpoint is for the
 * local user and a local Prometheus, never the network. One thread: requests are served in turn.
 */
public final class AdminServer implements AutoCloseable {
  public static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param port 0 for any free port
   * @param status the controller's status, for {@code /status}
   * @param metrics the gateway's series, for {@code /metrics}
   */
  public AdminServer(int port, Supplier<StatusSnapshot> status, MetricsExposition metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-admin");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        "/status",
        ex -> {
          if (!ex.getRequestMethod().equals("GET")) {
            HttpReplies.send(
                ex,
                405,
                "text/plain",
                "method not allowed (expected: GET)\n".getBytes(StandardCharsets.UTF_8));
            return;
          }
          HttpReplies.send(ex, 200, "application/json", JSON.writeValueAsBytes(status.get()));
        });
    server.createContext(
        "/metrics",
        ex -> {
          if (!ex.getRequestMethod().equals("GET")) {
            HttpReplies.send(
                ex,
                405,
                "text/plain",
                "method not allowed (expected: GET)\n".getBytes(StandardCharsets.UTF_8));
            return;
          }
          MetricsExposition.Scrape scrape =
              metrics.scrape(ex.getRequestHeaders().getFirst("Accept"));
          HttpReplies.send(ex, 200, scrape.contentType(), scrape.body());
        });
    server.createContext(
        "/healthz",
        ex -> HttpReplies.send(ex, 200, "text/plain", "ok\n".getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/",
        ex ->
            HttpReplies.send(
                ex,
                404,
                "text/plain",
                "not found (try /status or /metrics)\n".getBytes(StandardCharsets.UTF_8)));
  }

  public int start() {
    server.start();
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
