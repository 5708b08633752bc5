package dev.pilotlight.cli.kubernetes;

import java.util.Locale;

/**
 * Knative's {@code http-protocol} key of {@code config-network}: what the plain HTTP port does.
 * {@code Enabled} (the default): it serves as the TLS port does. {@code Redirected}: it answers
 * every request {@code 301} to the same URL over https (needs {@code --tls-port}). Case does not
 * matter, as in Knative; Knative's deprecated {@code Disabled} is refused.
 */
enum HttpProtocol {
  ENABLED,
  REDIRECTED;

  static final String KEY = "http-protocol";

  /**
   * @param value the key's value, null when absent
   * @param tls whether the TLS port is on
   * @throws IllegalArgumentException naming the key, the value and what is expected
   */
  static HttpProtocol of(String value, boolean tls) {
    if (value == null || value.isBlank()) {
      return ENABLED;
    }
    HttpProtocol p =
        switch (value.trim().toLowerCase(Locale.ROOT)) {
          case "enabled" -> ENABLED;
          case "redirected" -> REDIRECTED;
          default ->
              throw new IllegalArgumentException(
                  KEY + ": " + value + " (expected: Enabled or Redirected)");
        };
    if (p == REDIRECTED && !tls) {
      throw new IllegalArgumentException(
          KEY + ": Redirected needs the TLS port (--tls-port) to redirect to");
    }
    return p;
  }
}
