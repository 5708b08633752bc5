package dev.pilotlight.cli.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.activator.MetricsExposition;
import dev.pilotlight.cli.HttpReplies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A Kubernetes component's probe and scrape port, on all interfaces (the kubelet and Prometheus
 * reach the pod's IP): {@code GET /healthz} 200 while the process runs (liveness), {@code GET
 * /readyz} 200 when {@code ready} says so, else 503 (readiness), and {@code GET /metrics} when the
 * component has series. One thread; bounded backlog.
 */
public final class HealthServer implements AutoCloseable {

  /** A scrape: content type and body, for an {@code Accept} header (may be null). */
  public record Scrape(String contentType, byte[] body) {}

  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * @param port 0 for any free port
   * @param metrics the component's series, or null when it has none (then {@code /metrics} is 404)
   */
  public HealthServer(
      String host, int port, BooleanSupplier ready, Function<String, Scrape> metrics)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 16);
    executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-health");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/healthz", ex -> text(ex, 200, "ok\n"));
    server.createContext(
        "/readyz",
        ex -> {
          if (ready.getAsBoolean()) {
            text(ex, 200, "ready\n");
          } else {
            text(ex, 503, "not ready\n");
          }
        });
    server.createContext(
        "/metrics",
        ex -> {
          if (metrics == null) {
            text(ex, 404, "no metrics\n");
            return;
          }
          Scrape s = metrics.apply(ex.getRequestHeaders().getFirst("Accept"));
          send(ex, 200, s.contentType(), s.body());
        });
    server.createContext("/", ex -> text(ex, 404, "not found (try /healthz, /readyz, /metrics)\n"));
  }

  /** {@code /metrics} answered from an exposition. */
  public static Function<String, Scrape> scrape(MetricsExposition exposition) {
    return accept -> {
      MetricsExposition.Scrape s = exposition.scrape(accept);
      return new Scrape(s.contentType(), s.body());
    };
  }

  public int start() {
    server.start();
    return server.getAddress().getPort();
  }

  private static void text(HttpExchange ex, int code, String body) throws IOException {
    send(ex, code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
    ex.getRequestBody().close();
    HttpReplies.send(ex, code, type, body);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
