package dev.pilotlight.api.spi;

/**
 * How the gateway checks by itself that a starting instance can answer (the container's {@code
 * readinessProbe}): an HTTP GET of {@code httpPath} on the instance's address expecting a 2xx
 * status, or, when {@code httpPath} is null, a TCP connect to that address.
 *
 * @param httpPath the path to GET, starting with {@code /}; null for a TCP connect
 */
public record ReadinessProbe(String httpPath) {
  /** A TCP connect: the default when the container declares no HTTP readiness probe. */
  public static final ReadinessProbe TCP = new ReadinessProbe(null);

  public ReadinessProbe {
    if (httpPath != null && !httpPath.startsWith("/")) {
      httpPath = "/" + httpPath;
    }
  }

  /** An HTTP GET of {@code path} ({@code /} when null or empty). */
  public static ReadinessProbe http(String path) {
    return new ReadinessProbe(path == null || path.isEmpty() ? "/" : path);
  }

  public boolean isHttp() {
    return httpPath != null;
  }
}
