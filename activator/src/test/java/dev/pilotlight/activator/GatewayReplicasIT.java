package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three gateway replicas in front of the same two instances, as on Kubernetes with several
 * activators: the instances count the requests they serve at once, and that count never exceeds
 * {@code containerConcurrency}, with three replicas, after one leaves and after one joins; no
 * request is lost meanwhile; and each request is reported by exactly one replica, so the
 * autoscaler's sum of the replicas' reports is the revision's traffic.
 */
class GatewayReplicasIT {
  static final RevisionKey REV = new RevisionKey("default", "shared-00001");
  static final String HOST = "shared.default.example.com";
  static final int LIMIT = 4;
  static final Duration DEADLINE = Duration.ofSeconds(60);

  /** An instance that answers each request 20 ms later and records its peak concurrency. */
  static final class CountingInstance implements AutoCloseable {
    final HttpServer server;
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();
    final AtomicLong served = new AtomicLong();
    final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    CountingInstance() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
      int now = current.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      later.schedule(
          () -> {
            current.decrementAndGet();
            served.incrementAndGet();
            try (exchange) {
              byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            } catch (IOException e) {
              // the client went away
            }
          },
          20,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      server.stop(0);
      later.shutdownNow();
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  /** The reports every replica sends, summed: what the autoscaler adds up. */
  final AtomicLong reportedRequests = new AtomicLong();

  final StatSink sink =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {
          for (StatRecord r : batch) {
            if (r.revision().equals(REV)) {
              reportedRequests.addAndGet(r.requestCount());
            }
          }
        }

        @Override
        public void poke(RevisionKey revision) {}
      };

  final List<Gateway> gateways = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  CountingInstance a;
  CountingInstance b;
  final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  @BeforeEach
  void start() throws Exception {
    a = new CountingInstance();
    b = new CountingInstance();
  }

  @AfterEach
  void stop() {
    gateways.forEach(Gateway::close);
    a.close();
    b.close();
  }

  Gateway gateway() throws Exception {
    Gateway g =
        new Gateway(
            TestGateway.config(10_000, Duration.ofMillis(100), Duration.ofSeconds(10)),
            sink,
            Ticker.system());
    ports.add(g.start());
    gateways.add(g);
    g.onRouteTable(
        new RouteTable(
            Map.of(
                HOST,
                new RouteTable.HostRoute(
                    REV.namespace(),
                    "shared",
                    List.of(new RouteTable.WeightedRevision(REV, 100))))));
    g.onEndpoints(
        new RevisionEndpoints(
            REV,
            LIMIT,
            Duration.ofSeconds(30),
            List.of(
                new Endpoint("i-a", "127.0.0.1", a.port(), InstanceClass.STANDARD),
                new Endpoint("i-b", "127.0.0.1", b.port(), InstanceClass.STANDARD))));
    return g;
  }

  /** Sends {@code n} requests, 32 at a time, spread over the given gateways; counts the 200s. */
  long load(List<Integer> through, int n) {
    AtomicInteger ok = new AtomicInteger();
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int port = through.get(i % through.size());
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/work"))
              .header("Host", HOST)
              .timeout(Duration.ofSeconds(30))
              .build();
      inFlight.add(
          client
              .sendAsync(req, HttpResponse.BodyHandlers.ofString())
              .thenAccept(
                  r -> {
                    if (r.statusCode() == 200) {
                      ok.incrementAndGet();
                    }
                  })
              .exceptionally(e -> null));
      if (inFlight.size() == 32) {
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        inFlight.clear();
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    return ok.get();
  }

  int peak() {
    return Math.max(a.peak.get(), b.peak.get());
  }

  @Test
  void replicasTogetherNeverSendAnInstanceMoreThanItsLimit() throws Exception {
    Gateway g0 = gateway();
    Gateway g1 = gateway();
    Gateway g2 = gateway();
    g0.replicas(new Gateway.Replicas(0, 3));
    g1.replicas(new Gateway.Replicas(1, 3));
    g2.replicas(new Gateway.Replicas(2, 3));

    assertThat(load(ports, 600)).as("all served through three replicas").isEqualTo(600);
    assertThat(peak()).as("peak concurrency at an instance").isLessThanOrEqualTo(LIMIT);
    assertThat(peak()).as("the limit is reached: the load saturates it").isEqualTo(LIMIT);

    // one leaves (drained first, as a terminating pod leaves the endpoints), the others rebalance
    g2.close();
    gateways.remove(g2);
    g0.replicas(new Gateway.Replicas(0, 2));
    g1.replicas(new Gateway.Replicas(1, 2));
    a.peak.set(0);
    b.peak.set(0);
    assertThat(load(ports.subList(0, 2), 400)).as("all served by two").isEqualTo(400);
    assertThat(peak()).isLessThanOrEqualTo(LIMIT);

    // one joins: the others learn of it first
    g0.replicas(new Gateway.Replicas(0, 3));
    g1.replicas(new Gateway.Replicas(1, 3));
    Gateway g3 = gateway();
    g3.replicas(new Gateway.Replicas(2, 3));
    a.peak.set(0);
    b.peak.set(0);
    List<Integer> now = List.of(ports.get(0), ports.get(1), ports.get(3));
    assertThat(load(now, 600)).as("all served by three again").isEqualTo(600);
    assertThat(peak()).isLessThanOrEqualTo(LIMIT);

    // every request was reported by exactly one replica: the sum is the traffic
    long sent = 600 + 400 + 600;
    Await.until("every replica's report in", DEADLINE, () -> reportedRequests.get() == sent);
    assertThat(a.served.get() + b.served.get()).isEqualTo(sent);
  }

  @Test
  void aReplicaWithoutASlotHoldsItsRequestsUntilTheReplicaCountChanges() throws Exception {
    Gateway g0 = gateway();
    Gateway g1 = gateway();
    // limit 4 over 2 instances is 8 slots: with 9 replicas, replica 8 has none
    g0.replicas(new Gateway.Replicas(8, 9));
    g1.replicas(new Gateway.Replicas(0, 9));
    CompletableFuture<HttpResponse<String>> held =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(0) + "/work"))
                .header("Host", HOST)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Await.until("the request held", DEADLINE, () -> g0.held(REV) == 1);
    assertThat(load(List.of(ports.get(1)), 20)).as("the other replica serves").isEqualTo(20);
    assertThat(held).isNotDone();
    g0.replicas(new Gateway.Replicas(1, 2)); // the replica set shrank: it has a share now
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }
}
