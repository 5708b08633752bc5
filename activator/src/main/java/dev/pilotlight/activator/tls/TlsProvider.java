package dev.pilotlight.activator.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation terminates: OpenSSL through netty-tcnative when it loads, else the JDK.
 */
public final class TlsProvider {
  private TlsProvider() {}

  /** OpenSSL (netty-tcnative's BoringSSL build) when it loads and supports ALPN, else the JDK's. */
  public static SslProvider detect() {
    return OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL)
        ? SslProvider.OPENSSL
        : SslProvider.JDK;
  }

  /** For the startup line: the provider and its version, or why OpenSSL is not used. */
  public static String describe(SslProvider provider) {
    if (provider == SslProvider.OPENSSL) {
      return "OpenSSL (" + OpenSsl.versionString() + ")";
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    return "JDK ("
        + (cause == null ? "OpenSSL without ALPN" : "OpenSSL unavailable: " + cause.getMessage())
        + ")";
  }
}
