package dev.pilotlight.activator.stats;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.testkit.Await;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The activator's stat sink against a WireMock intake: what it posts, and what it does when the
 * intake resets the connection, answers with an error or stalls.
 */
class HttpStatSinkIT {
  private static final RevisionKey REV = new RevisionKey("default", "hello-00001");

  private WireMockServer intake;
  private HttpStatSink sink;

  @BeforeEach
  void start() {
    intake = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    intake.start();
    sink =
        new HttpStatSink(
            URI.create("http://127.0.0.1:" + intake.port()), "s3cret", "activator-7c9f");
  }

  @AfterEach
  void stop() {
    intake.stop();
  }

  private int posts() {
    return intake
        .countRequestsMatching(postRequestedFor(urlEqualTo("/v1/stats")).build())
        .getCount();
  }

  @Test
  void aReportAndAPokeArePostedWithTheTokenAndTheActivatorsName() throws Exception {
    intake.stubFor(post("/v1/stats").willReturn(aResponse().withStatus(204)));
    sink.report(List.of(new StatRecord(REV, 3.5, 7)));
    sink.poke(REV);
    Await.until("two posts", Duration.ofSeconds(20), () -> posts() == 2);
    intake.verify(
        postRequestedFor(urlEqualTo("/v1/stats"))
            .withHeader("Authorization", equalTo("Bearer s3cret"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson(
                    "{\"activator\": \"activator-7c9f\", \"pokes\": [],"
                        + " \"stats\": [{\"namespace\": \"default\", \"revision\": \"hello-00001\", \"concurrency\": 3.5, \"requests\": 7}]}",
                    true,
                    true)));
    intake.verify(
        postRequestedFor(urlEqualTo("/v1/stats"))
            .withRequestBody(
                equalToJson(
                    "{\"activator\": \"activator-7c9f\", \"stats\": [],"
                        + " \"pokes\": [{\"namespace\": \"default\", \"revision\": \"hello-00001\"}]}",
                    true,
                    true)));
    Await.until(
        "nothing failed", Duration.ofSeconds(20), () -> sink.failed() == 0 && sink.dropped() == 0);
  }

  @Test
  void aResetConnectionOrAnErrorStatusIsResentOnceThenCountedAsFailed() throws Exception {
    intake.stubFor(
        post("/v1/stats").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    sink.poke(REV);
    Await.until("the reset counted", Duration.ofSeconds(20), () -> sink.failed() == 1);
    assertThat(posts()).as("the first try and one resend").isEqualTo(2);
    intake.stubFor(post("/v1/stats").willReturn(aResponse().withStatus(500)));
    sink.poke(REV);
    Await.until("the 500 counted", Duration.ofSeconds(20), () -> sink.failed() == 2);
    assertThat(posts()).isEqualTo(4);
    // a refusal that a resend cannot mend (a wrong token) is not resent
    intake.stubFor(post("/v1/stats").willReturn(aResponse().withStatus(401)));
    sink.poke(REV);
    Await.until("the 401 counted", Duration.ofSeconds(20), () -> sink.failed() == 3);
    assertThat(posts()).isEqualTo(5);
    intake.stubFor(post("/v1/stats").willReturn(aResponse().withStatus(204)));
    sink.poke(REV);
    Await.until("the next post", Duration.ofSeconds(20), () -> posts() == 6);
    assertThat(sink.dropped()).isZero();
    assertThat(sink.resent()).isEqualTo(2);
  }

  /** The resend is the same batch with the same number, so the intake can count it once. */
  @Test
  void theResendCarriesTheSameInstanceAndSequence() throws Exception {
    intake.stubFor(
        post("/v1/stats")
            .inScenario("flaky")
            .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("recovered"));
    intake.stubFor(
        post("/v1/stats")
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(aResponse().withStatus(204)));
    sink.report(List.of(new StatRecord(REV, 1, 1)));
    Await.until("the resend", Duration.ofSeconds(20), () -> posts() == 2);
    Await.until("nothing failed", Duration.ofSeconds(20), () -> sink.resent() == 1);
    assertThat(sink.failed()).isZero();
    List<com.fasterxml.jackson.databind.JsonNode> bodies = new java.util.ArrayList<>();
    for (var r : intake.findAll(postRequestedFor(urlEqualTo("/v1/stats")))) {
      bodies.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.getBodyAsString()));
    }
    assertThat(bodies.get(0).path("sequence").asLong()).isEqualTo(1);
    assertThat(bodies.get(0).path("instance").asText()).isNotEmpty();
    assertThat(bodies.get(1)).isEqualTo(bodies.get(0));

    sink.poke(REV);
    Await.until("the next post", Duration.ofSeconds(20), () -> posts() == 3);
    var third =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                intake.findAll(postRequestedFor(urlEqualTo("/v1/stats"))).get(2).getBodyAsString());
    assertThat(third.path("sequence").asLong()).isEqualTo(2);
    assertThat(third.path("instance")).isEqualTo(bodies.get(0).path("instance"));
  }

  @Test
  void aStalledIntakeHoldsAtMostFourPostsAndTheRestAreDroppedNotQueued() throws Exception {
    intake.stubFor(post("/v1/stats").willReturn(aResponse().withStatus(204).withFixedDelay(3_000)));
    for (int i = 0; i < 10; i++) {
      sink.poke(REV);
    }
    // the four in flight are waiting on the stalled intake; the six behind them were dropped at
    // once
    assertThat(sink.dropped()).isEqualTo(10 - HttpStatSink.MAX_IN_FLIGHT);
    Await.until(
        "the four posts", Duration.ofSeconds(20), () -> posts() == HttpStatSink.MAX_IN_FLIGHT);
  }
}
