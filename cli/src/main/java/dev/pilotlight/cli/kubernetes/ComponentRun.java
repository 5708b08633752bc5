package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.activator.MetricsExposition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a leader-elected component's run shares: its namespace from the downward API, ConfigMaps
 * read from it, and the stop signal. {@link #await()} returns when SIGTERM arrives (exit 0) or
 * leadership is lost (exit 1, so Kubernetes restarts the pod as a clean candidate, as client-go
 * controllers do); on SIGTERM the JVM waits in the shutdown hook until {@link #stopped()} says the
 * component has stopped (informers closed, Lease released), at most {@code grace}.
 */
public final class ComponentRun {
  private static final Logger LOG = LoggerFactory.getLogger(ComponentRun.class);

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

  /**
   * What differs between leader-elected components in {@link #serveElected}.
   *
   * @param name the component: Lease {@code pilotlight-<name>}, gauge {@code
   *     pilotlight_<name>_leader}
   * @param leadingDoes what leading means, for the log line
   * @param lead called on taking the Lease
   * @param stepDown called on losing it (before the run stops with exit code 1)
   * @param ready {@code /readyz}
   * @param informers starts the informers; a failure stops the run with exit code 1
   * @param informersWhat what did not start, for the log line
   * @param quiesce called once stopping, before the Lease is released: no writes after it
   * @param metrics the component's own series, exposed on {@code /metrics} with the leader gauge
   */
  public record Elected(
      String name,
      String leadingDoes,
      Runnable lead,
      Runnable stepDown,
      BooleanSupplier ready,
      Supplier<CompletableFuture<?>> informers,
      String informersWhat,
      Runnable quiesce,
      PrometheusRegistry metrics) {}

  /**
   * Runs a leader-elected component until SIGTERM or lost leadership: the Lease in {@code
   * podNamespace}, {@code /healthz}, {@code /readyz} and {@code /metrics} (the leader gauge) on
   * {@code healthPort}, the informers, then the stop: quiesce, release the Lease. Returns the exit
   * code.
   */
  public int serveElected(
      KubernetesClient client, String podNamespace, String identity, int healthPort, Elected c)
      throws Exception {
    Leadership leadership =
        new Leadership(
            client,
            "pilotlight-" + c.name(),
            podNamespace,
            identity,
            () -> {
              LOG.info("leading: {}", c.leadingDoes());
              c.lead().run();
            },
            () -> {
              c.stepDown().run();
              LOG.info("no longer leading");
              leadershipLost();
            });
    leaderGauge(c.metrics(), c.name(), leadership::leading);
    MetricsExposition exposition = new MetricsExposition(c.metrics());
    try (HealthServer health =
        new HealthServer("0.0.0.0", healthPort, c.ready(), HealthServer.scrape(exposition))) {
      stopOnSignal();
      c.informers()
          .get()
          .whenComplete(
              (ok, e) -> {
                if (e != null) {
                  LOG.error("{} cannot start (are the CRDs installed?)", c.informersWhat(), e);
                  fail();
                }
              });
      LOG.info("health, readiness and metrics on port {}", health.start());
      leadership.start();
      int code = await();
      LOG.info(code == 0 ? "stopping" : "stopping (exit {})", code);
      c.quiesce().run();
      leadership.close(); // releases the Lease
      return code;
    }
  }

  /**
   * Registers {@code pilotlight_<name>_leader}: 1 while this replica holds the component's Lease,
   * read at scrape time.
   */
  public static void leaderGauge(
      PrometheusRegistry registry, String name, BooleanSupplier leading) {
    GaugeWithCallback.builder()
        .name("pilotlight_" + name + "_leader")
        .help("1 while this replica holds the " + name + "'s Lease, else 0.")
        .callback(cb -> cb.call(leading.getAsBoolean() ? 1 : 0))
        .register(registry);
  }
}
