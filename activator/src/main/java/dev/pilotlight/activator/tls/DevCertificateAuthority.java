package dev.pilotlight.activator.tls;

import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for development: an ECDSA P-256 key and a self-signed CA certificate (10
 * years), kept in a directory ({@code ca.pem}, {@code ca-key.pem}, the key readable by its owner
 * only), that issues server certificates (ECDSA P-256, 397 days, serverAuth) for the hosts it is
 * given. As an issuer for {@link CertificateStore} it covers {@code localhost} and the hosts under
 * the suffixes it is given, each by a wildcard one label up ({@code *.default.localhost} for {@code
 * hello.default.localhost}), memoized.
 */
public final class DevCertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_ISSUED = 1_000;
  public static final String CA_FILE = "ca.pem";
  public static final String CA_KEY_FILE = "ca-key.pem";

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Map<String, CertifiedKey> issued = new ConcurrentHashMap<>();

  private DevCertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA in memory (tests). */
  public static DevCertificateAuthority create(String name) {
    KeyPair pair = keyPair();
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=" + name);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(3650))),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new DevCertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a CA certificate", e);
    }
  }

  /** The result of {@link #loadOrCreate}: the CA, and whether it was made just now. */
  public record Loaded(DevCertificateAuthority ca, boolean created, Path certificateFile) {}

  /** The CA kept in {@code dir}, made (and written there) if there is none yet. */
  public static Loaded loadOrCreate(Path dir) throws IOException, InvalidCertificateException {
    Path cert = dir.resolve(CA_FILE);
    Path keyFile = dir.resolve(CA_KEY_FILE);
    if (Files.exists(cert) && Files.exists(keyFile)) {
      CertifiedKey k =
          CertifiedKey.fromPem(
              cert.toString(),
              Files.readString(cert, StandardCharsets.US_ASCII),
              Files.readString(keyFile, StandardCharsets.US_ASCII),
              Instant.now());
      return new Loaded(new DevCertificateAuthority(k.leaf(), k.key()), false, cert);
    }
    Files.createDirectories(dir);
    DevCertificateAuthority ca = create("Pilotlight development CA " + RANDOM.nextInt(1_000_000));
    Path tmpKey = dir.resolve(CA_KEY_FILE + ".tmp");
    Files.deleteIfExists(tmpKey);
    try {
      Files.createFile(
          tmpKey,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmpKey);
    }
    Files.writeString(tmpKey, pem(ca.key), StandardCharsets.US_ASCII);
    Files.move(tmpKey, keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(cert, pem(ca.certificate), StandardCharsets.US_ASCII);
    return new Loaded(ca, true, cert);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** A server certificate for {@code names}, valid from an hour ago for 397 days. */
  public CertifiedKey issue(List<String> names) {
    Instant now = Instant.now();
    return issue(names, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(397)));
  }

  /**
   * A server certificate for {@code names}, valid between the two instants (tests: expired ones).
   */
  public CertifiedKey issue(List<String> names, Instant notBefore, Instant notAfter) {
    KeyPair pair = keyPair();
    X509Certificate leaf =
        leaf(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            key,
            certificate.getPublicKey(),
            names,
            pair.getPublic(),
            notBefore,
            notAfter);
    return new CertifiedKey("issued:" + names, List.of(leaf), pair.getPrivate(), names);
  }

  /**
   * As an issuer for {@link CertificateStore}: for {@code localhost} and hosts under {@code
   * localhost} or one of {@code suffixes}, a certificate naming {@code *.<parent>} (and the
   * parent), else empty.
   */
  public java.util.function.Function<String, Optional<CertifiedKey>> issuer(List<String> suffixes) {
    return host -> {
      String h = CertifiedKey.normalize(host);
      boolean ours = h.equals("localhost") || h.endsWith(".localhost");
      for (String s : suffixes) {
        String suffix = CertifiedKey.normalize(s);
        ours |= h.equals(suffix) || h.endsWith("." + suffix);
      }
      if (!ours || !h.matches("[a-z0-9.-]+")) {
        return Optional.empty();
      }
      int dot = h.indexOf('.');
      List<String> names =
          dot < 0 ? List.of(h) : List.of("*." + h.substring(dot + 1), h.substring(dot + 1));
      String key = String.join(",", names);
      CertifiedKey k = issued.get(key);
      if (k == null) {
        k = issue(names);
        if (issued.size() < MAX_ISSUED) {
          issued.put(key, k);
        }
      }
      return Optional.of(k);
    };
  }

  /** A self-signed certificate that names no real host: the default when none is configured. */
  static CertifiedKey placeholder() {
    KeyPair pair = keyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=pilotlight-no-certificate.invalid");
    X509Certificate cert =
        leaf(
            name,
            pair.getPrivate(),
            pair.getPublic(),
            List.of("pilotlight-no-certificate.invalid"),
            pair.getPublic(),
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(3650)));
    return new CertifiedKey(
        "placeholder",
        List.of(cert),
        pair.getPrivate(),
        List.of("pilotlight-no-certificate.invalid"));
  }

  private static X509Certificate leaf(
      X500Name issuer,
      PrivateKey issuerKey,
      PublicKey issuerPublic,
      List<String> names,
      PublicKey subjectKey,
      Instant notBefore,
      Instant notAfter) {
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      GeneralName[] sans =
          names.stream()
              .map(n -> new GeneralName(GeneralName.dNSName, n.toLowerCase(Locale.ROOT)))
              .toArray(GeneralName[]::new);
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  issuer,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  new X500Name("CN=" + names.get(0)),
                  subjectKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(issuerPublic));
      return sign(b, issuerKey);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + names, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 key pair generator", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  /** PEM text of certificates and keys (private keys as PKCS#8, {@code PRIVATE KEY}). */
  public static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        if (o instanceof PrivateKey k) {
          w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null));
        } else {
          w.writeObject(o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
