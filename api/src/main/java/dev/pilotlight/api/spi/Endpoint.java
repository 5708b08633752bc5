package dev.pilotlight.api.spi;

import java.util.Objects;

/**
 * One instance of a revision: where to send requests (or, while it starts, where to probe it), and
 * in which protocol. {@code id} is unique per instance; an instance restarted on another port is
 * another endpoint.
 *
 * @param protocol what the instance speaks on {@code port}: {@link Protocol#H2C} when its container
 *     port is named {@code h2c}, else {@link Protocol#HTTP1}
 */
public record Endpoint(
    String id, String host, int port, InstanceClass instanceClass, Protocol protocol) {

  public Endpoint {
    Objects.requireNonNull(protocol, "protocol");
  }

  /** By hand, not the generated one: it is computed for every proxied request (pool lookups). */
  @Override
  public int hashCode() {
    int h = id.hashCode();
    h = 31 * h + host.hashCode();
    h = 31 * h + port;
    h = 31 * h + instanceClass.hashCode();
    return 31 * h + protocol.hashCode();
  }

  /** An HTTP/1.1 instance. */
  public Endpoint(String id, String host, int port, InstanceClass instanceClass) {
    this(id, host, port, instanceClass, Protocol.HTTP1);
  }
}
