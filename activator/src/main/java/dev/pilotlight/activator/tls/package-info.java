/**
 * TLS termination for the gateway's second port: certificates by host (exact, then a wildcard one
 * label up, else the default; never another host's), chosen by SNI through a bounded Caffeine cache
 * that every certificate change invalidates ({@link
 * dev.pilotlight.activator.tls.CertificateStore}); ALPN {@code h2} and {@code http/1.1} ({@link
 * dev.pilotlight.activator.tls.TlsTerminator}); OpenSSL (netty-tcnative's BoringSSL) when it loads,
 * else the JDK's provider ({@link dev.pilotlight.activator.tls.TlsProvider}); PEM files watched
 * ({@link dev.pilotlight.activator.tls.CertificateFiles}) and a development CA ({@link
 * dev.pilotlight.activator.tls.DevCertificateAuthority}) for local mode.
 */
package dev.pilotlight.activator.tls;
