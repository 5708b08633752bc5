package dev.pilotlight.cli.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.cli.DurationConverter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A tiny HTTP app following Knative's runtime contract: listens on {@code $PORT} once its startup
 * delay has passed (so the default TCP readiness check sees it only then) and answers every request
 * with its {@code $K_REVISION}, so a traffic split is visible with curl.
 *
 * <p>Each response carries {@code X-Sample-Ready-Age-Us}: microseconds from the moment the app had
 * fully answered its first request (its readiness probe, when it has an HTTP one) to the arrival of
 * this request at its handler (0 if it arrived before that first answer was complete). For the
 * request that was held while the app started, that is how long the platform took from "ready" to
 * delivering it, measured with one clock inside the app.
 */
@Command(
    name = "sample-app",
    mixinStandardHelpOptions = true,
    description = "Run the sample HTTP app (listens on $PORT, answers with $K_REVISION).")
public final class SampleAppCommand implements Callable<Integer> {

  @Option(
      names = "--startup-delay",
      converter = DurationConverter.class,
      defaultValue = "0s",
      description = "Time before the app starts listening, e.g. 2s (default: ${DEFAULT-VALUE}).")
  Duration startupDelay;

  @Option(
      names = "--latency",
      converter = DurationConverter.class,
      defaultValue = "0s",
      description = "Time each response is delayed, e.g. 50ms (default: ${DEFAULT-VALUE}).")
  Duration latency;

  @Option(names = "--port", description = "Port to listen on (default: $PORT, else 8080).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    int listenPort =
        port != null ? port : Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    String revision = System.getenv().getOrDefault("K_REVISION", "unknown");
    String instanceClass = System.getenv().getOrDefault("PILOTLIGHT_INSTANCE_CLASS", "standard");
    Ticker ticker = Ticker.system();
    if (!startupDelay.isZero()) {
      Thread.sleep(
          startupDelay.toMillis()); // the app's simulated initialisation, before it listens
    }
    ScheduledExecutorService delayer =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sample-delay"));
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            4,
            4,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000),
            r -> daemon(r, "sample-worker"),
            new ThreadPoolExecutor.CallerRunsPolicy());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", listenPort), 1024);
    server.setExecutor(workers);
    AtomicLong readyAt = new AtomicLong();
    byte[] body =
        ("Hello from " + revision + " (" + instanceClass + ")\n").getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          long arrived = ticker.nanoTime();
          long firstAnswered = readyAt.get();
          long ageMicros = firstAnswered == 0 ? 0 : (arrived - firstAnswered) / 1_000;
          drain(exchange.getRequestBody());
          exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
          exchange.getResponseHeaders().set("X-Revision", revision);
          exchange.getResponseHeaders().set("X-Sample-Ready-Age-Us", Long.toString(ageMicros));
          Runnable answer =
              () -> {
                respond(exchange, body);
                // ready: the app has fully answered a request (its readiness probe, when it has
                // one)
                readyAt.compareAndSet(0, ticker.nanoTime());
              };
          if (latency.isZero()) {
            answer.run();
          } else {
            delayer.schedule(answer, latency.toNanos(), TimeUnit.NANOSECONDS);
          }
        });
    server.start();
    System.out.println("sample-app " + revision + " listening on 127.0.0.1:" + listenPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(1); // finish in-flight requests, up to 1 s
                  stopped.countDown();
                },
                "sample-shutdown"));
    stopped.await();
    return 0;
  }

  private static void respond(HttpExchange exchange, byte[] body) {
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.sendResponseHeaders(200, body.length);
      out.write(body);
    } catch (IOException e) {
      exchange.close();
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    while (in.read(buf) >= 0) {
      // discard: the sample app does not look at bodies
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
