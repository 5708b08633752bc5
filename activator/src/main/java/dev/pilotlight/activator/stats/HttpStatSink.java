package dev.pilotlight.activator.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatBatch;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The activator's side of the autoscaler's HTTP intake (Kubernetes mode): each report and each poke
 * is one {@code POST /v1/stats} with the shared token, on the HTTP client's kept-alive connection.
 * Never blocks the caller. Bounded: at most {@value #MAX_IN_FLIGHT} posts in flight; beyond that a
 * report is dropped and counted (the next second's report carries fresh data anyway). A post that
 * fails (no connection, a timeout, a 5xx: say the autoscaler's leader is changing) is sent once
 * more after {@link #RESEND_AFTER}, the same batch with the same number, so an intake that did read
 * the first one counts it once; a poke lost twice is made up for by the next request's poke.
 */
public final class HttpStatSink implements StatSink {
  static final int MAX_IN_FLIGHT = 4;
  static final Duration RESEND_AFTER = Duration.ofMillis(200);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final URI uri;
  private final String token;
  private final String activator;
  private final String instance = UUID.randomUUID().toString();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder resent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /**
   * @param intake the intake's base URL, e.g. {@code http://autoscaler.pilotlight-system:8081}
   */
  public HttpStatSink(URI intake, String token, String activator) {
    this.uri = intake.resolve("/v1/stats");
    this.token = token;
    this.activator = activator;
  }

  @Override
  public void report(Collection<StatRecord> batch) {
    send(
        new StatBatch(
            activator,
            instance,
            sequence.incrementAndGet(),
            batch.stream().map(StatBatch.Stat::of).toList(),
            List.of()));
  }

  @Override
  public void poke(RevisionKey revision) {
    send(
        new StatBatch(
            activator,
            instance,
            sequence.incrementAndGet(),
            List.of(),
            List.of(new StatBatch.Poke(revision.namespace(), revision.name()))));
  }

  /** Reports not sent because too many were in flight, and posts that failed or were refused. */
  public long dropped() {
    return dropped.sum();
  }

  /** Posts that failed twice (the first try and the resend). */
  public long failed() {
    return failed.sum();
  }

  /** Posts sent a second time after the first failed. */
  public long resent() {
    return resent.sum();
  }

  private void send(StatBatch batch) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      dropped.increment();
      return;
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(batch);
    } catch (JsonProcessingException e) {
      inFlight.decrementAndGet();
      failed.increment();
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    post(request, true);
  }

  /** Sends; on failure sends once more (still counted in flight until the last try ends). */
  private void post(HttpRequest request, boolean firstTry) {
    client
        .sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, error) -> {
              boolean ok = error == null && response.statusCode() == 204;
              boolean worthResending =
                  error != null || (response != null && response.statusCode() >= 500);
              if (!ok && firstTry && worthResending) {
                resent.increment();
                CompletableFuture.delayedExecutor(RESEND_AFTER.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> post(request, false));
                return;
              }
              inFlight.decrementAndGet();
              if (!ok) {
                failed.increment();
              }
            });
  }
}
