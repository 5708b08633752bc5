package dev.pilotlight.activator.probe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.ReadinessProbe;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's readiness probe against a WireMock instance: a 2xx head is ready; an error status,
 * a reset connection, a response slower than the probe's timeout or no listener is not.
 */
class ProbeClientIT {
  /** Long enough for a first request to a cold WireMock on a loaded machine. */
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private static final Duration SHORT = Duration.ofMillis(300);

  private WireMockServer instance;
  private EventLoopGroup loop;
  private final ProbeClient client = new ProbeClient(NioSocketChannel.class, GENEROUS);

  @BeforeEach
  void start() {
    instance = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    instance.start();
    loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    instance.stop();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private boolean probe(int port, ReadinessProbe target) throws Exception {
    return probe(client, port, target);
  }

  private boolean probe(ProbeClient client, int port, ReadinessProbe target) throws Exception {
    CompletableFuture<Boolean> result = new CompletableFuture<>();
    client.probe(
        loop.next(),
        new Endpoint("i1", "127.0.0.1", port, InstanceClass.STANDARD, Protocol.HTTP1),
        target,
        result::complete);
    return result.get(30, TimeUnit.SECONDS); // the probe's own timeout ends it before
  }

  @Test
  void aTwoHundredIsReadyAndTheProbeSaysWhoItIs() throws Exception {
    instance.stubFor(get("/healthz").willReturn(aResponse().withStatus(200).withBody("ok")));
    assertThat(probe(instance.port(), ReadinessProbe.http("/healthz"))).isTrue();
    instance.verify(
        getRequestedFor(urlEqualTo("/healthz"))
            .withHeader("User-Agent", equalTo(ProbeClient.USER_AGENT)));
  }

  @Test
  void anErrorStatusAResetOrASlowAnswerIsNotReady() throws Exception {
    instance.stubFor(get("/healthz").willReturn(aResponse().withStatus(503)));
    assertThat(probe(instance.port(), ReadinessProbe.http("/healthz"))).isFalse();
    instance.stubFor(
        get("/healthz").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    assertThat(probe(instance.port(), ReadinessProbe.http("/healthz"))).isFalse();
    instance.stubFor(get("/healthz").willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
    ProbeClient impatient = new ProbeClient(NioSocketChannel.class, SHORT);
    assertThat(probe(impatient, instance.port(), ReadinessProbe.http("/healthz"))).isFalse();
  }

  @Test
  void aTcpProbeNeedsOnlyAListener() throws Exception {
    assertThat(probe(instance.port(), ReadinessProbe.TCP)).isTrue();
    int port = instance.port();
    instance.stop();
    assertThat(probe(port, ReadinessProbe.TCP)).isFalse();
  }
}
