package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a leader-elected component's run shares: its namespace from the downward API, ConfigMaps
 * read from it, and the stop signal. {@link #await()} returns when SIGTERM arrives (exit 0) or
 * leadership is lost (exit 1, so Kubernetes restarts the pod as a clean candidate, as client-go
 * controllers do); on SIGTERM the JVM waits in the shutdown hook until {@link #stopped()} says the
 * component has stopped (informers closed, Lease released), at most {@code grace}.
 */
public final class ComponentRun {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Duration grace;
  private volatile int exitCode;
  private volatile boolean stopping;
  private Thread hook;

  public ComponentRun(Duration grace) {
    this.grace = grace;
  }

  /** A ConfigMap's data, empty when the ConfigMap does not exist. */
  public static Optional<Map<String, String>> configMap(
      KubernetesClient client, String namespace, String name) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
    if (cm == null) {
      return Optional.empty();
    }
    return Optional.of(cm.getData() == null ? Map.of() : cm.getData());
  }

  /** Turns SIGTERM (and Ctrl-C) into a stop request; the hook waits for {@link #stopped()}. */
  public void stopOnSignal() {
    hook =
        new Thread(
            () -> {
              requestStop(0);
              try {
                stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pilotlight-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Stops the run with exit code 0, as SIGTERM does (for tests and embedding). */
  public void stop() {
    requestStop(0);
  }

  /** Leadership was lost while running: stop with exit code 1 (ignored once stopping). */
  public void leadershipLost() {
    fail();
  }

  /** The component cannot go on (its informers cannot start, say): stop with exit code 1. */
  public void fail() {
    if (!stopping) {
      requestStop(1);
    }
  }

  private synchronized void requestStop(int code) {
    if (stop.getCount() > 0) {
      exitCode = code;
      stopping = true;
      stop.countDown();
    }
  }

  /** Blocks until stopped by a signal or lost leadership; returns the exit code. */
  public int await() throws InterruptedException {
    stop.await();
    return exitCode;
  }

  public boolean stopping() {
    return stopping;
  }

  /** The component has stopped: the shutdown hook may let the JVM exit. */
  public void stopped() {
    stopped.countDown();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is what is waiting for us
      }
    }
  }

  /** A gauge in Prometheus' text format, for a component's /metrics. */
  public static HealthServer.Scrape gauge(String name, String help, double value) {
    String text =
        "# HELP " + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + value + "\n";
    return new HealthServer.Scrape(
        "text/plain; version=0.0.4; charset=utf-8",
        text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
