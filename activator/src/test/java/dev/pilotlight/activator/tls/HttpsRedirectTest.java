package dev.pilotlight.activator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The redirect's {@code Location}: same host, the https port, the same target. */
public class HttpsRedirectTest {
  /** For the gateway IT. */
  public static String location(String host, String target, int port) {
    return HttpsRedirect.location(host, target, port);
  }

  @Test
  void locationKeepsHostAndTargetAndDropsTheHttpPort() {
    assertThat(HttpsRedirect.location("a.b.example.com:80", "/p?q=1", 443))
        .isEqualTo("https://a.b.example.com/p?q=1");
    assertThat(HttpsRedirect.location("a.example.com", "/", 8443))
        .isEqualTo("https://a.example.com:8443/");
    assertThat(HttpsRedirect.location("a.example.com", "http://evil/x", 443))
        .isEqualTo("https://a.example.com/");
    assertThat(HttpsRedirect.location(null, "/", 443)).isNull();
    assertThat(HttpsRedirect.location("evil.com/x", "/", 443)).isNull();
    assertThat(HttpsRedirect.location("a b", "/", 443)).isNull();
  }
}
