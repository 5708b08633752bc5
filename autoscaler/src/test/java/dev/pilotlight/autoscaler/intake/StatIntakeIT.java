package dev.pilotlight.autoscaler.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP intake over real sockets. */
class StatIntakeIT {
  static final String TOKEN = "s3cret";
  final List<StatRecord> stats = new CopyOnWriteArrayList<>();
  final List<RevisionKey> pokes = new CopyOnWriteArrayList<>();
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  StatIntakeServer server;
  int port;

  @BeforeEach
  void start() throws Exception {
    server =
        new StatIntakeServer(
            "127.0.0.1",
            0,
            TOKEN,
            new StatSink() {
              @Override
              public void report(Collection<StatRecord> batch) {
                stats.addAll(batch);
              }

              @Override
              public void poke(RevisionKey revision) {
                pokes.add(revision);
              }
            });
    port = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  HttpResponse<String> post(String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/stats"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String BATCH =
      """
      {"activator": "a-1",
       "stats": [{"namespace": "default", "revision": "hello-00001", "concurrency": 2.5, "requests": 7}],
       "pokes": [{"namespace": "default", "revision": "cold-00001"}]}
      """;

  @Test
  void acceptsBatchesFromSeveralReplicasOnKeptAliveConnections() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(post(TOKEN, BATCH).statusCode()).isEqualTo(204);
    }
    assertThat(stats)
        .hasSize(3)
        .first()
        .isEqualTo(new StatRecord(new RevisionKey("default", "hello-00001"), 2.5, 7));
    assertThat(pokes).containsOnly(new RevisionKey("default", "cold-00001"));
    assertThat(server.metrics().accepted()).isEqualTo(3);
  }

  /** A numbered batch delivered twice (a resend after a timeout) is counted once. */
  @Test
  void aBatchDeliveredTwiceIsCountedOnce() throws Exception {
    String numbered =
        BATCH.replace(
            "\"activator\": \"a-1\",",
            "\"activator\": \"a-1\", \"instance\": \"i-1\", \"sequence\": 41,");
    assertThat(post(TOKEN, numbered).statusCode()).isEqualTo(204);
    assertThat(post(TOKEN, numbered).statusCode()).as("taken, not counted").isEqualTo(204);
    assertThat(stats).hasSize(1);
    assertThat(pokes).hasSize(1);
    assertThat(server.metrics().accepted()).isEqualTo(1);
    assertThat(server.metrics().duplicate()).isEqualTo(1);
    // the next number, and the same number from another process, are new batches
    assertThat(post(TOKEN, numbered.replace("41", "42")).statusCode()).isEqualTo(204);
    assertThat(post(TOKEN, numbered.replace("i-1", "i-2")).statusCode()).isEqualTo(204);
    assertThat(stats).hasSize(3);
  }

  @Test
  void wrongOrMissingTokenIsRefusedAndCounted() throws Exception {
    assertThat(post("nope", BATCH).statusCode()).isEqualTo(401);
    assertThat(post(null, BATCH).statusCode()).isEqualTo(401);
    assertThat(stats).isEmpty();
    assertThat(server.metrics().unauthorized()).isEqualTo(2);
  }

  @Test
  void malformedAndOversizedInputIsRefusedAndTheIntakeKeepsServing() throws Exception {
    HttpResponse<String> bad = post(TOKEN, "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).startsWith("malformed stat batch");
    assertThat(
            post(
                    TOKEN,
                    "{\"stats\": [{\"namespace\": \"d\", \"revision\": \"r\", \"concurrency\": -1, \"requests\": 0}]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(
            post(TOKEN, "{\"stats\": [{\"revision\": \"r\", \"concurrency\": 1, \"requests\": 0}]}")
                .statusCode())
        .isEqualTo(400);
    assertThat(post(TOKEN, "x".repeat(StatIntakeServer.MAX_BODY_BYTES + 1)).statusCode())
        .isEqualTo(413);
    assertThat(server.metrics().malformed()).isEqualTo(3);
    assertThat(server.metrics().tooLarge()).isEqualTo(1);
    assertThat(post(TOKEN, BATCH).statusCode()).isEqualTo(204);
  }
}
