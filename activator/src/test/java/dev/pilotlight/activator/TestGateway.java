package dev.pilotlight.activator;

import dev.pilotlight.activator.netty.Transport;
import java.time.Duration;

/** How the gateway tests configure their gateways. */
public final class TestGateway {
  /**
   * The transport the tests run on: system property {@code pilotlight.test.transport} ({@code auto}
   * unless set; the build runs the socket-level tests a second time with {@code epoll}).
   */
  public static final Transport TRANSPORT =
      Transport.parse(System.getProperty("pilotlight.test.transport", "auto"));

  private TestGateway() {}

  /**
   * The defaults on loopback and any free port, with two event loops (so a connection's loop and
   * another's are both exercised) and {@link #TRANSPORT}.
   */
  public static GatewayConfig config(int maxHeld, Duration statInterval, Duration drainGrace) {
    GatewayConfig d = GatewayConfig.defaults("127.0.0.1", 0);
    return new GatewayConfig(
        d.bindHost(),
        0,
        maxHeld,
        d.maxHeaderBytes(),
        d.maxInitialLineBytes(),
        d.upstreamConnectTimeout(),
        statInterval,
        2,
        drainGrace,
        TRANSPORT,
        d.clientLimits());
  }
}
