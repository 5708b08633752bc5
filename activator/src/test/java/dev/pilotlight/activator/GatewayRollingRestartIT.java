package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of two gateway replicas under steady load loses nothing. The test plays the
 * endpoints and an L4 balancer (kube-proxy): each client attaches to a replica picked among the
 * ready ones and keeps sending to it, as a kept-alive connection stays with its pod, until a
 * response says {@code Connection: close}; only then does it pick again. A replica is restarted as
 * a pod is: its drain starts (still serving, clients told to reconnect), the endpoints drop it, it
 * stops once no client is attached, and a new replica joins. Without the drain's {@code Connection:
 * close} the clients would stay attached and the restart would not finish. The requests are POSTs
 * with bodies, which a client does not retry on a connection closed under it.
 */
class GatewayRollingRestartIT {
  static final RevisionKey REV = new RevisionKey("default", "roll-00001");
  static final String HOST = "roll.default.localhost";
  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final int CLIENTS = 4;

  /** The replicas' ports the balancer sends to, and the clients attached to each port. */
  final List<Integer> ready = new CopyOnWriteArrayList<>();

  final Map<Integer, AtomicInteger> attached = new ConcurrentHashMap<>();
  final AtomicLong sent = new AtomicLong();
  final AtomicLong served = new AtomicLong();
  final List<String> failures = new CopyOnWriteArrayList<>();

  Gateway replica(RawBackend backend) throws Exception {
    Gateway g =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(10)),
            TestGateway.NO_STATS,
            Ticker.system());
    int port = g.start();
    TestGateway.serve(g, HOST, "roll", REV, backend.port());
    ports.put(g, port);
    attached.put(port, new AtomicInteger());
    ready.add(port);
    return g;
  }

  final Map<Gateway, Integer> ports = new ConcurrentHashMap<>();

  int port(Gateway g) {
    return ports.get(g);
  }

  /**
   * Restarts {@code old} as Kubernetes would: drain starts, the endpoints drop it while it still
   * serves, it stops once no client is about to send to it, and a new replica joins.
   */
  Gateway restart(Gateway old, RawBackend backend) throws Exception {
    int port = port(old);
    long before = served.get();
    old.startDraining();
    Await.until("requests served while draining", DEADLINE, () -> served.get() > before + 20);
    synchronized (ready) {
      ready.remove(Integer.valueOf(port));
    }
    // the balancer has dropped it: clients leave it as its responses tell them to
    Await.until(
        "no client attached to the old replica", DEADLINE, () -> attached.get(port).get() == 0);
    old.close();
    Gateway next = replica(backend);
    long joined = served.get();
    Await.until("requests served after the restart", DEADLINE, () -> served.get() > joined + 20);
    return next;
  }

  @Test
  void twoReplicasRestartedOneAfterTheOtherUnderLoadFailNoRequest() throws Exception {
    try (RawBackend backend = new RawBackend()) {
      Gateway a = replica(backend);
      Gateway b = replica(backend);
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
      List<Gateway> live = new ArrayList<>(List.of(a, b));
      try {
        for (int i = 0; i < CLIENTS; i++) {
          load.execute(() -> steady(client, running));
        }
        Await.until("load running", DEADLINE, () -> served.get() > 50);
        live.set(0, restart(a, backend));
        live.set(1, restart(b, backend));
      } finally {
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        live.forEach(Gateway::close);
      }
      assertThat(failures).as("%d sent, %d served", sent.get(), served.get()).isEmpty();
      assertThat(served.get()).isEqualTo(sent.get()).isGreaterThan(100);
    }
  }

  /**
   * One client: POSTs back to back to the replica it is attached to, attaching to another one
   * (picked among the ready) after a response that says {@code Connection: close}.
   */
  private void steady(HttpClient client, AtomicBoolean running) {
    Integer port = null;
    while (running.get()) {
      if (port == null) {
        port = attach();
        if (port == null) {
          Thread.onSpinWait();
          continue;
        }
      }
      boolean leave = true;
      try {
        boolean slow = ThreadLocalRandom.current().nextInt(4) == 0; // in flight across a stop
        sent.incrementAndGet();
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + (slow ? "/slow" : "/")))
                    .header("Host", HOST)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("payload"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().startsWith("seen:POST")) {
          served.incrementAndGet();
          leave = r.headers().allValues("connection").contains("close");
        } else {
          failures.add(port + ": " + r.statusCode() + " " + r.body());
        }
      } catch (Exception e) {
        failures.add(port + ": " + e);
      }
      if (leave) {
        attached.get(port).decrementAndGet();
        port = null;
      }
    }
    if (port != null) {
      attached.get(port).decrementAndGet();
    }
  }

  /** Attaches to a ready replica's port; null if none is ready. */
  private Integer attach() {
    synchronized (ready) {
      List<Integer> now = List.copyOf(ready);
      if (now.isEmpty()) {
        return null;
      }
      Integer port = now.get(ThreadLocalRandom.current().nextInt(now.size()));
      attached.get(port).incrementAndGet();
      return port;
    }
  }
}
