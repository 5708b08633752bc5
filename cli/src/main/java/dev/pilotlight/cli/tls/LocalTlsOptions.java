package dev.pilotlight.cli.tls;

import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.tls.CertificateFiles;
import dev.pilotlight.activator.tls.CertificateStore;
import dev.pilotlight.activator.tls.CertifiedKey;
import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import dev.pilotlight.activator.tls.DevCertificateAuthority;
import dev.pilotlight.activator.tls.TlsProvider;
import dev.pilotlight.activator.tls.TlsTerminator;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code pilotlight local}'s TLS port: {@code --tls-port}, with certificates from {@code
 * --tls-cert}/{@code --tls-key} (PEM; repeatable, paired in order; a directory of pairs as {@code
 * --tls-cert} alone), watched and reloaded; or, without files, a development CA kept in the state
 * directory ({@code tls/ca.pem}), announced once when made, that issues certificates for {@code
 * localhost}, {@code *.localhost} and the route hosts.
 */
public final class LocalTlsOptions {
  @Option(
      names = "--tls-port",
      paramLabel = "PORT",
      description =
          "Also serve TLS (HTTP/1.1 and HTTP/2 by ALPN) on this port (0: any free one). Without"
              + " --tls-cert: certificates from a development CA in the state directory.")
  Integer tlsPort;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE|DIR",
      description =
          "PEM certificate chain (repeatable, paired in order with --tls-key), or a directory of"
              + " NAME.crt|NAME.pem with NAME.key|NAME-key.pem. Hosts by the certificates' names;"
              + " the first is the default. Watched: a replaced certificate is served at once.")
  List<Path> certificates = new ArrayList<>();

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key of a --tls-cert.")
  List<Path> keys = new ArrayList<>();

  /** What {@link #start} set up: the bound port and the store. */
  public record Started(int port, CertificateStore store, String description) {}

  public boolean enabled() {
    return tlsPort != null;
  }

  /**
   * Checks the options, loads the certificates (or the development CA), binds the port and keeps
   * the files watched on {@code watchLoop}. {@code announce} gets the lines to print once.
   *
   * @throws CommandLine.ParameterException on options that do not fit together or certificates that
   *     cannot be served
   */
  public Started start(
      CommandLine.Model.CommandSpec spec,
      Gateway gateway,
      Path stateDir,
      String domain,
      ScheduledExecutorService watchLoop,
      long watchMillis,
      Consumer<String> announce)
      throws IOException, InterruptedException {
    List<CertificateFiles.Pair> pairs = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (Path c : certificates) {
      if (Files.isDirectory(c)) {
        dirs.add(c);
      } else {
        files.add(c);
      }
    }
    if (files.size() != keys.size()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--tls-cert: "
              + files.size()
              + " certificate file(s) and "
              + keys.size()
              + " --tls-key file(s): give one key per certificate file (a directory needs none)");
    }
    for (int i = 0; i < files.size(); i++) {
      pairs.add(new CertificateFiles.Pair(files.get(i), keys.get(i)));
    }
    SslProvider provider = TlsProvider.detect();
    CertificateStore store;
    String source;
    Path createdCa = null;
    if (pairs.isEmpty() && dirs.isEmpty()) {
      DevCertificateAuthority.Loaded ca;
      try {
        ca = DevCertificateAuthority.loadOrCreate(stateDir.resolve("tls"));
      } catch (InvalidCertificateException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "the development CA in "
                + stateDir.resolve("tls")
                + " is unusable: "
                + e.getMessage()
                + " (delete that directory to make a new one)");
      }
      store = new CertificateStore(provider, ca.ca().issuer(List.of(domain)));
      List<String> names = new ArrayList<>(List.of("localhost", "*.localhost"));
      if (!domain.equals("localhost")) {
        names.addAll(List.of(domain, "*." + domain));
      }
      CertifiedKey leaf = ca.ca().issue(names);
      try {
        store.put(new CertifiedKey("development CA", leaf.chain(), leaf.key(), leaf.names()));
      } catch (InvalidCertificateException e) {
        throw new IllegalStateException(e);
      }
      store.defaultSource("development CA");
      if (ca.created()) {
        createdCa = ca.certificateFile();
      }
      source = "development CA " + ca.certificateFile();
    } else {
      store = new CertificateStore(provider);
      CertificateFiles watched = new CertificateFiles(store, pairs, dirs);
      watched.scan();
      if (store.certificates().isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--tls-cert: no certificate could be loaded (see the log above)");
      }
      watchLoop.scheduleWithFixedDelay(
          watched::scan, watchMillis, watchMillis, TimeUnit.MILLISECONDS);
      source = store.certificates().size() + " certificate(s) from files, watched";
    }
    int port;
    try {
      port = gateway.startTls(tlsPort, new TlsTerminator(store));
    } catch (Exception e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-port: cannot listen on " + tlsPort + ": " + e.getMessage());
    }
    if (createdCa != null) {
      announce.accept(trustHelp(createdCa, domain, port));
    }
    return new Started(port, store, TlsProvider.describe(provider) + ", " + source);
  }

  static String trustHelp(Path caFile, String domain, int port) {
    String host = "hello.default." + domain;
    return String.join(
        "\n",
        "created a development CA: " + caFile + " (its key, ca-key.pem beside it, stays private)",
        "  trust it to browse the TLS port without warnings:",
        "    curl:          curl --cacert " + caFile + " https://" + host + ":" + port + "/",
        "    Debian/Ubuntu: sudo cp "
            + caFile
            + " /usr/local/share/ca-certificates/pilotlight-dev.crt && sudo update-ca-certificates",
        "    macOS:         sudo security add-trusted-cert -d -r trustRoot -k"
            + " /Library/Keychains/System.keychain "
            + caFile,
        "    Java:          keytool -importcert -cacerts -alias pilotlight-dev -file " + caFile,
        "    Firefox:       Settings, Certificates, View Certificates, Authorities, Import");
  }
}
