package dev.pilotlight.activator;

import dev.pilotlight.activator.netty.Transport;
import java.time.Duration;

/**
 * @param bindHost address to listen on
 * @param port port to listen on, 0 = any free port
 * @param maxHeldPerRevision bound of each revision's holding queue (requests)
 * @param maxHeaderBytes largest request header block (bytes); larger gets 431
 * @param maxInitialLineBytes longest request line (bytes); longer gets 414
 * @param upstreamConnectTimeout connect timeout to an instance
 * @param statInterval how often concurrency is reported to the autoscaler
 * @param ioThreads event loop threads, 0 = one per available processor
 * @param drainGrace on close, how long requests in flight and held may still finish
 * @param transport the I/O transport; {@link Transport#AUTO} takes the best this host can run
 * @param clientLimits client timeouts and the bound on client connections
 */
public record GatewayConfig(
    String bindHost,
    int port,
    int maxHeldPerRevision,
    int maxHeaderBytes,
    int maxInitialLineBytes,
    Duration upstreamConnectTimeout,
    Duration statInterval,
    int ioThreads,
    Duration drainGrace,
    Transport transport,
    ClientLimits clientLimits) {

  public static GatewayConfig defaults(String bindHost, int port) {
    return new GatewayConfig(
        bindHost,
        port,
        10_000,
        16 * 1024,
        8 * 1024,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        0,
        Duration.ofSeconds(30),
        Transport.AUTO,
        ClientLimits.defaults());
  }

  /** This configuration with another transport. */
  public GatewayConfig withTransport(Transport other) {
    return new GatewayConfig(
        bindHost,
        port,
        maxHeldPerRevision,
        maxHeaderBytes,
        maxInitialLineBytes,
        upstreamConnectTimeout,
        statInterval,
        ioThreads,
        drainGrace,
        other,
        clientLimits);
  }

  /** This configuration with another drain grace. */
  public GatewayConfig withDrainGrace(Duration other) {
    return new GatewayConfig(
        bindHost,
        port,
        maxHeldPerRevision,
        maxHeaderBytes,
        maxInitialLineBytes,
        upstreamConnectTimeout,
        statInterval,
        ioThreads,
        other,
        transport,
        clientLimits);
  }

  /** This configuration with other client limits. */
  public GatewayConfig withClientLimits(ClientLimits other) {
    return new GatewayConfig(
        bindHost,
        port,
        maxHeldPerRevision,
        maxHeaderBytes,
        maxInitialLineBytes,
        upstreamConnectTimeout,
        statInterval,
        ioThreads,
        drainGrace,
        transport,
        other);
  }
}
