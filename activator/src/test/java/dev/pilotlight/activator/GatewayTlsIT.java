package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.activator.tls.CertificateFiles;
import dev.pilotlight.activator.tls.CertificateStore;
import dev.pilotlight.activator.tls.CertifiedKey;
import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import dev.pilotlight.activator.tls.DevCertificateAuthority;
import dev.pilotlight.activator.tls.TlsProvider;
import dev.pilotlight.activator.tls.TlsTerminator;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.testkit.Await;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS port over real handshakes on loopback: SNI picks the host's certificate (exact, then
 * wildcard, else the default, never another host's), ALPN {@code h2} and {@code http/1.1} both
 * carry a request to the instance, certificate files are reloaded when they change and a bad one
 * leaves the previous in use.
 */
class GatewayTlsIT {
  static {
    LeakCheck.install();
  }

  @AfterAll
  static void noBufferLeaked() {
    LeakCheck.assertNoLeaks();
  }

  static final RevisionKey REV = new RevisionKey("default", "hello-00001");
  static final String HOST = "hello.default.localhost";
  static final DevCertificateAuthority CA = DevCertificateAuthority.create("test CA");

  final CertificateStore store = new CertificateStore(TlsProvider.detect());
  RawBackend backend;
  Gateway gateway;
  int tlsPort;

  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    backend = new RawBackend();
    gateway =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            TestGateway.NO_STATS,
            Ticker.system());
    gateway.start();
    tlsPort = gateway.startTls(0, new TlsTerminator(store));
    TestGateway.serve(gateway, HOST, "hello", REV, backend.port());
  }

  @AfterEach
  void stop() throws Exception {
    gateway.close();
    backend.close();
  }

  private static CertifiedKey cert(String source, String... names) {
    CertifiedKey k = CA.issue(List.of(names));
    return new CertifiedKey(source, k.chain(), k.key(), k.names());
  }

  @Test
  void sniPicksExactThenWildcardElseDefaultNeverAnotherHosts() throws Exception {
    store.put(cert("exact", HOST));
    store.put(cert("wildcard", "*.default.localhost"));
    store.put(cert("tenant", "secret.tenant.test"));
    store.put(cert("default", "gateway.test"));
    store.defaultSource("default");

    assertThat(served(HOST)).containsExactly(HOST);
    assertThat(served("other.default.localhost")).containsExactly("*.default.localhost");
    assertThat(served("OTHER.default.localhost")).containsExactly("*.default.localhost");
    // a wildcard covers one label only
    assertThat(served("a.b.default.localhost")).containsExactly("gateway.test");
    assertThat(served("unknown.example")).containsExactly("gateway.test");
    assertThat(served(null)).containsExactly("gateway.test");
    assertThat(served("tenant.test")).containsExactly("gateway.test");
  }

  @Test
  void withoutADefaultAnUnknownHostGetsAPlaceholderThatNamesNoHost() throws Exception {
    store.put(cert("tenant", "secret.tenant.test"));

    assertThat(served("unknown.example")).containsExactly("pilotlight-no-certificate.invalid");
    assertThat(served(null)).containsExactly("pilotlight-no-certificate.invalid");
    // and a client that checks the name refuses it cleanly
    assertThatThrownBy(() -> http1("unknown.example", true))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void alpnHttp11CarriesARequestToTheInstance() throws Exception {
    store.put(cert("wildcard", "*.default.localhost"));

    assertThat(http1(HOST, true)).startsWith("HTTP/1.1 200").endsWith("seen:GET /tls");
    assertThat(backend.seen()).hasSize(1);
    // the instance learns the client came over TLS
    assertThat(backend.seen().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(backend.seen().get(0).header("Forwarded")).endsWith(";proto=https");
  }

  @Test
  void alpnH2CarriesARequestToTheInstance() throws Exception {
    store.put(cert("wildcard", "*.default.localhost"));
    var client =
        SslContextBuilder.forClient()
            .trustManager(CA.certificate())
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2))
            .build();
    try (H2TestClient h2 = new H2TestClient(tlsPort, client, HOST)) {
      H2TestClient.Reply r = h2.send("GET", HOST, "/h2", null).get(10, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("seen:GET /h2");
      H2TestClient.Reply again = h2.send("GET", HOST, "/h2b", null).get(10, TimeUnit.SECONDS);
      assertThat(again.text()).isEqualTo("seen:GET /h2b");
    }
    assertThat(backend.seen()).hasSize(2);
    assertThat(backend.seen().get(1).header("X-Forwarded-Proto")).isEqualTo("https");
  }

  @Test
  void aCertificateChangeIsServedAtOnce() throws Exception {
    store.put(cert("one", HOST));
    X509Certificate first = servedCertificate(HOST);
    store.put(cert("one", HOST));
    X509Certificate second = servedCertificate(HOST);
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    store.remove("one");
    assertThat(served(HOST)).containsExactly("pilotlight-no-certificate.invalid");
  }

  @Test
  void expiredOrMismatchedCertificatesAreRefused() {
    Instant now = Instant.now();
    CertifiedKey expired =
        CA.issue(List.of(HOST), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)));
    assertThatThrownBy(() -> CertifiedKey.of("x", expired.chain(), expired.key(), now))
        .isInstanceOf(InvalidCertificateException.class)
        .hasMessageContaining("expired");
    CertifiedKey other = CA.issue(List.of(HOST));
    assertThatThrownBy(() -> CertifiedKey.of("x", expired.chain(), other.key(), Instant.EPOCH))
        .isInstanceOf(InvalidCertificateException.class);
    CertifiedKey k = CA.issue(List.of(HOST));
    assertThatThrownBy(() -> CertifiedKey.of("x", k.chain(), other.key(), now))
        .isInstanceOf(InvalidCertificateException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void filesAreReloadedWhenReplacedAndABadOneKeepsThePrevious() throws Exception {
    Path crt = dir.resolve("site.crt");
    Path key = dir.resolve("site.key");
    write(crt, key, CA.issue(List.of(HOST)));
    CertificateFiles files = new CertificateFiles(store, List.of(), List.of(dir));
    assertThat(files.scan()).isZero();
    X509Certificate first = servedCertificate(HOST);
    assertThat(served(null)).containsExactly(HOST); // the first pair is the default

    // replaced: the next scan serves the new one, no restart
    CertifiedKey renewed = CA.issue(List.of(HOST, "*.default.localhost"));
    write(crt, key, renewed);
    Await.until(
        "the renewed certificate is served",
        Duration.ofSeconds(10),
        () -> {
          files.scan();
          return servedCertificate(HOST).getSerialNumber().equals(renewed.leaf().getSerialNumber());
        });
    assertThat(served("x.default.localhost")).contains("*.default.localhost");

    // a broken one (garbage, then expired): refused, the renewed one stays
    Files.writeString(crt, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
    assertThat(files.scan()).isEqualTo(1);
    assertThat(servedCertificate(HOST).getSerialNumber())
        .isEqualTo(renewed.leaf().getSerialNumber());
    Instant now = Instant.now();
    write(
        crt,
        key,
        CA.issue(List.of(HOST), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1))));
    assertThat(files.scan()).isEqualTo(1);
    assertThat(files.scan()).isZero(); // refused once, not again until it changes
    assertThat(servedCertificate(HOST).getSerialNumber())
        .isEqualTo(renewed.leaf().getSerialNumber());
    assertThat(first.getSerialNumber()).isNotEqualTo(renewed.leaf().getSerialNumber());

    // gone: no longer served
    Files.delete(crt);
    Files.delete(key);
    files.scan();
    assertThat(served(HOST)).containsExactly("pilotlight-no-certificate.invalid");
  }

  @Test
  void theCertificateCacheIsBounded() throws Exception {
    store.put(cert("wildcard", "*.default.localhost"));
    for (int i = 0; i < 50; i++) {
      store.map("h" + i + ".default.localhost");
    }
    assertThat(store.cachedHosts()).isBetween(1L, (long) CertificateStore.CACHE_SIZE);
  }

  @Test
  void redirectedPlainPortAnswers301ToHttps() throws Exception {
    try (Gateway redirecting =
        new Gateway(
            TestGateway.config(100, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            TestGateway.NO_STATS,
            Ticker.system())) {
      int plain = redirecting.start(new dev.pilotlight.activator.tls.HttpsRedirect(443));
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), plain)) {
        s.setSoTimeout(10_000);
        s.getOutputStream()
            .write(
                ("GET /a/b?c=d HTTP/1.1\r\nHost: hello.default.localhost:80\r\n\r\n"
                        + "GET / HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        String answers = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(answers)
            .startsWith("HTTP/1.1 301 Moved Permanently")
            .contains("location: https://hello.default.localhost/a/b?c=d")
            // no Host: 400, and the connection closes
            .contains("HTTP/1.1 400 Bad Request");
      }
      assertThat(backend.seen()).isEmpty();
    }
    assertThat(dev.pilotlight.activator.tls.HttpsRedirectTest.location("h:8080", "/x", 8443))
        .isEqualTo("https://h:8443/x");
  }

  private static void write(Path crt, Path key, CertifiedKey k) throws Exception {
    Files.writeString(crt, DevCertificateAuthority.pem(k.chain().toArray()));
    Files.writeString(key, DevCertificateAuthority.pem(k.key()));
  }

  /** The DNS names of the certificate served for SNI {@code host} (null: no SNI). */
  private List<String> served(String host) throws Exception {
    X509Certificate c = servedCertificate(host);
    return c.getSubjectAlternativeNames().stream().map(l -> (String) l.get(1)).toList();
  }

  private X509Certificate servedCertificate(String host) throws Exception {
    try (SSLSocket s = socket(host, false, List.of("http/1.1"))) {
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  /** A GET over HTTP/1.1 on the TLS port; {@code verify}: trust the test CA and check the name. */
  private String http1(String host, boolean verify) throws Exception {
    try (SSLSocket s = socket(host, verify, List.of("http/1.1"))) {
      s.startHandshake();
      assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /tls HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private SSLSocket socket(String host, boolean verify, List<String> alpn) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    TrustManager[] trust;
    if (verify) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("ca", CA.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(ks);
      trust = tmf.getTrustManagers();
    } else {
      trust = new TrustManager[] {new TrustAll()};
    }
    ctx.init(null, trust, null);
    SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), tlsPort);
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(host == null ? List.of() : List.of(new SNIHostName(host)));
    p.setApplicationProtocols(alpn.toArray(String[]::new));
    if (verify) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    s.setSSLParameters(p);
    return s;
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
