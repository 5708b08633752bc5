package dev.pilotlight.activator;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;

/**
 * What one client may take of the gateway: how long it may keep a connection without making
 * progress, and how many connections all clients together may hold open.
 *
 * <p>The defaults follow nginx, Envoy and HAProxy: a request head must arrive whole within {@link
 * #headerTimeout} of its first byte (of the connection's accept, for its first request); a
 * keep-alive connection may wait {@link #keepAliveTimeout} for its next request; a request body may
 * stall (the gateway asks for more and nothing comes) for {@link #bodyTimeout}; an HTTP/2
 * connection may have no open stream for {@link #http2IdleTimeout}. A head or body that times out
 * is answered 408 where a response is still possible; an idle connection is closed (HTTP/2 with
 * GOAWAY).
 *
 * @param headerTimeout reading one request head (nginx {@code client_header_timeout}, HAProxy
 *     {@code timeout http-request})
 * @param keepAliveTimeout idle keep-alive between requests (nginx {@code keepalive_timeout})
 * @param bodyTimeout a stalled request body: no byte for this long while the gateway waits for one
 *     (nginx {@code client_body_timeout}); time a request is held, or its instance is slow to take
 *     the body, does not count
 * @param http2IdleTimeout an HTTP/2 connection with no open stream
 * @param maxConnections client connections open at once; at the bound, accepting pauses until one
 *     closes; 0 = derived from the process's descriptor limit ({@link #connectionBound})
 */
public record ClientLimits(
    Duration headerTimeout,
    Duration keepAliveTimeout,
    Duration bodyTimeout,
    Duration http2IdleTimeout,
    int maxConnections) {

  /** Descriptors kept out of the derived connection bound for everything else the process opens. */
  static final int RESERVED_DESCRIPTORS = 256;

  /** The derived bound when the descriptor limit is unknown. */
  static final int FALLBACK_MAX_CONNECTIONS = 10_000;

  public ClientLimits {
    positive("header timeout", headerTimeout);
    positive("keep-alive timeout", keepAliveTimeout);
    positive("body timeout", bodyTimeout);
    positive("HTTP/2 idle timeout", http2IdleTimeout);
    if (maxConnections < 0) {
      throw new IllegalArgumentException(
          "max connections: must be 0 (derived) or positive, was " + maxConnections);
    }
  }

  public static ClientLimits defaults() {
    return new ClientLimits(
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        Duration.ofSeconds(60),
        Duration.ofSeconds(75),
        0);
  }

  public ClientLimits withHeaderTimeout(Duration d) {
    return new ClientLimits(d, keepAliveTimeout, bodyTimeout, http2IdleTimeout, maxConnections);
  }

  public ClientLimits withKeepAliveTimeout(Duration d) {
    return new ClientLimits(headerTimeout, d, bodyTimeout, http2IdleTimeout, maxConnections);
  }

  public ClientLimits withBodyTimeout(Duration d) {
    return new ClientLimits(headerTimeout, keepAliveTimeout, d, http2IdleTimeout, maxConnections);
  }

  public ClientLimits withHttp2IdleTimeout(Duration d) {
    return new ClientLimits(headerTimeout, keepAliveTimeout, bodyTimeout, d, maxConnections);
  }

  public ClientLimits withMaxConnections(int n) {
    return new ClientLimits(headerTimeout, keepAliveTimeout, bodyTimeout, http2IdleTimeout, n);
  }

  /** The shortest of the timeouts: the longest a connection's timer sleeps between checks. */
  public Duration shortestTimeout() {
    Duration min = headerTimeout;
    for (Duration d : new Duration[] {keepAliveTimeout, bodyTimeout, http2IdleTimeout}) {
      if (d.compareTo(min) < 0) {
        min = d;
      }
    }
    return min;
  }

  /** {@link #maxConnections}, or when 0 the bound derived from this process's descriptor limit. */
  public int effectiveMaxConnections() {
    return maxConnections > 0 ? maxConnections : connectionBound(descriptorLimit());
  }

  /**
   * The connection bound for a descriptor limit: each client connection that is proxied holds an
   * instance connection too, and {@value #RESERVED_DESCRIPTORS} descriptors stay for the rest
   * (listening sockets, files, the JVM's own), so half of what remains, at least 64.
   *
   * @param descriptorLimit the process's open-files limit, or a negative number when unknown
   */
  static int connectionBound(long descriptorLimit) {
    if (descriptorLimit <= 0) {
      return FALLBACK_MAX_CONNECTIONS;
    }
    long bound = (descriptorLimit - RESERVED_DESCRIPTORS) / 2;
    return (int) Math.max(64, Math.min(Integer.MAX_VALUE, bound));
  }

  /**
   * This process's open-files limit (the soft limit, which the JVM raises to the hard one on Linux
   * unless {@code -XX:-MaxFDLimit}), or -1 when the platform does not tell.
   */
  static long descriptorLimit() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private static void positive(String what, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + ": must be positive, was " + d);
    }
  }
}
