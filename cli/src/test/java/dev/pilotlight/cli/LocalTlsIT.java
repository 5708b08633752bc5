package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pilotlight local --tls-port} without certificate files: a development CA is made in the
 * state directory and announced once; a client that trusts it reaches a Service over TLS, the host
 * name checked.
 */
class LocalTlsIT {
  @TempDir Path work;

  static final String HELLO =
      """
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          spec:
            containers:
              - command: ["pilotlight", "sample-app"]
      """;

  @Test
  void developmentCaServesTheRouteHostsAndIsAnnouncedOnce() throws Exception {
    Path manifest = work.resolve("hello.yaml");
    Files.writeString(manifest, HELLO);
    int tlsPort = LocalProcess.freePort();
    try (LocalProcess local = new LocalProcess(work, List.of("--tls-port=" + tlsPort), manifest)) {
      local.awaitReady("hello");
      Path ca = local.stateDir.resolve("tls").resolve("ca.pem");
      assertThat(local.logText())
          .contains("created a development CA: " + ca)
          .contains("curl --cacert " + ca)
          .contains("https://127.0.0.1:" + tlsPort);
      String response = get(ca, tlsPort, "hello.default.localhost");
      assertThat(response).startsWith("HTTP/1.1 200").contains("hello-00001");
      local.stop();
    }
    // the same state directory: the same CA, not announced again
    Path ca = work.resolve("state").resolve("tls").resolve("ca.pem");
    String caPem = Files.readString(ca);
    try (LocalProcess again = new LocalProcess(work, List.of("--tls-port=" + tlsPort), manifest)) {
      again.awaitReady("hello");
      Await.until(
          "the TLS port announced",
          Duration.ofSeconds(30),
          () -> again.logText().contains("https://127.0.0.1:" + tlsPort));
      assertThat(again.logText()).doesNotContain("created a development CA");
      assertThat(Files.readString(ca)).isEqualTo(caPem);
      assertThat(get(ca, tlsPort, "hello.default.localhost")).contains("hello-00001");
    }
  }

  /** GET / over HTTP/1.1 with SNI {@code host}, trusting only {@code caFile}, the name checked. */
  private static String get(Path caFile, int port, String host) throws Exception {
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(caFile)) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(30_000);
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(host)));
      p.setApplicationProtocols(new String[] {"http/1.1"});
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
