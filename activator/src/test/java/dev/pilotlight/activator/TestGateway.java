package dev.pilotlight.activator;

import dev.pilotlight.activator.netty.Transport;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.RouteTable;
import dev.pilotlight.api.spi.RouteTable.HostRoute;
import dev.pilotlight.api.spi.RouteTable.WeightedRevision;
import dev.pilotlight.api.spi.StatRecord;
import dev.pilotlight.api.spi.StatSink;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** How the gateway tests configure their gateways. */
public final class TestGateway {
  /**
   * The transport the tests run on: system property {@code pilotlight.test.transport} ({@code auto}
   * unless set; the build runs the socket-level tests a second time with {@code epoll}).
   */
  public static final Transport TRANSPORT =
      Transport.parse(System.getProperty("pilotlight.test.transport", "auto"));

  /** A stat sink that takes everything and keeps nothing. */
  public static final StatSink NO_STATS =
      new StatSink() {
        @Override
        public void report(Collection<StatRecord> batch) {}

        @Override
        public void poke(RevisionKey revision) {}
      };

  private TestGateway() {}

  /**
   * Routes {@code host} (route {@code route} of the revision's namespace) wholly to {@code
   * revision}, served by one ready standard instance on loopback port {@code instancePort} (no
   * concurrency limit, a 30 s timeout).
   */
  public static void serve(
      Gateway gateway, String host, String route, RevisionKey revision, int instancePort) {
    gateway.onRouteTable(
        new RouteTable(
            Map.of(
                host,
                new HostRoute(
                    revision.namespace(), route, List.of(new WeightedRevision(revision, 100))))));
    gateway.onEndpoints(
        new RevisionEndpoints(
            revision,
            0,
            Duration.ofSeconds(30),
            List.of(new Endpoint("i1", "127.0.0.1", instancePort, InstanceClass.STANDARD))));
  }

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
