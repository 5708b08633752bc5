package dev.pilotlight.loadtest.generator;

import java.net.URI;

/**
 * Where the load goes: the address to connect to, the request path and the Host header (a route
 * host such as {@code hello.default.localhost} when connecting to a gateway by IP).
 */
public record Target(String host, int port, String path, String hostHeader) {
  public Target {
    if (!printable(path) || path.isEmpty() || path.indexOf(' ') >= 0) {
      throw new IllegalArgumentException(
          "URL path: \"" + path + "\" (expected: printable ASCII without spaces)");
    }
    if (!printable(hostHeader) || hostHeader.isEmpty()) {
      throw new IllegalArgumentException(
          "--host: \"" + hostHeader + "\" (expected: a host name, printable ASCII)");
    }
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f || c == ' ');
  }

  public static Target of(URI url, String hostOverride) {
    if (!"http".equals(url.getScheme())) {
      throw new IllegalArgumentException("URL: " + url + " (expected: http://HOST[:PORT][/PATH])");
    }
    int port = url.getPort() > 0 ? url.getPort() : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String host =
        hostOverride != null
            ? hostOverride
            : url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    return new Target(url.getHost(), port, path, host);
  }

  /** e.g. {@code http://127.0.0.1:8080/ (Host: hello.default.localhost)}. */
  public String describe() {
    return "http://" + host + ":" + port + path + " (Host: " + hostHeader + ")";
  }
}
