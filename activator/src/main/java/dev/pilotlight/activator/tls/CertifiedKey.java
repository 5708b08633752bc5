package dev.pilotlight.activator.tls;

import java.io.IOException;
import java.io.StringReader;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain with its private key, checked: the key matches the leaf, the leaf is valid
 * now, and it names at least one DNS host.
 *
 * @param source where it came from (a file's path, a Secret's namespace/name), for logs
 * @param chain the leaf first, then its intermediates
 * @param names the leaf's DNS names, lower case ({@code *.example.com} for a wildcard): its
 *     subjectAltNames, else its subject's CN
 */
public record CertifiedKey(
    String source, List<X509Certificate> chain, PrivateKey key, List<String> names) {

  /** Refused certificate material, with the reason. */
  public static final class InvalidCertificateException extends Exception {
    public InvalidCertificateException(String message) {
      super(message);
    }

    public InvalidCertificateException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public CertifiedKey {
    chain = List.copyOf(chain);
    names = List.copyOf(names);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /**
   * Parses a PEM certificate chain and a PEM private key (PKCS#8, PKCS#1 or SEC1) and checks them.
   */
  public static CertifiedKey fromPem(
      String source, String certificatePem, String keyPem, Instant now)
      throws InvalidCertificateException {
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(certificatePem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw new InvalidCertificateException("unreadable certificate PEM: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new InvalidCertificateException("no CERTIFICATE block in the certificate PEM");
    }
    PrivateKey key = null;
    try (PEMParser parser = new PEMParser(new StringReader(keyPem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null && key == null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          key = converter.getPrivateKey(pair.getPrivateKeyInfo());
        } else if (o instanceof PrivateKeyInfo info) {
          key = converter.getPrivateKey(info);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidCertificateException("unreadable key PEM: " + e.getMessage(), e);
    }
    if (key == null) {
      throw new InvalidCertificateException(
          "no unencrypted PRIVATE KEY block in the key PEM (encrypted keys are not supported)");
    }
    return of(source, chain, key, now);
  }

  /** Checks a chain and key: the key matches the leaf, the leaf is valid at {@code now}, names. */
  public static CertifiedKey of(
      String source, List<X509Certificate> chain, PrivateKey key, Instant now)
      throws InvalidCertificateException {
    X509Certificate leaf = chain.get(0);
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new InvalidCertificateException(
          "certificate expired at " + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      throw new InvalidCertificateException(
          "certificate not valid before " + leaf.getNotBefore().toInstant());
    }
    if (!matches(key, leaf.getPublicKey())) {
      throw new InvalidCertificateException("the private key does not match the certificate");
    }
    List<String> names = dnsNames(leaf);
    if (names.isEmpty()) {
      throw new InvalidCertificateException("the certificate names no DNS host (SAN or CN)");
    }
    return new CertifiedKey(source, chain, key, names);
  }

  private static boolean matches(PrivateKey key, PublicKey pub) {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())
        && !(key.getAlgorithm().equals("EC") && pub.getAlgorithm().equals("ECDSA"))) {
      return false;
    }
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC", "ECDSA" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // an algorithm we cannot check here: the TLS library will refuse a mismatch
    }
    try {
      byte[] probe = "pilotlight-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(pub);
      v.update(probe);
      return v.verify(sig);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** The leaf's DNS subjectAltNames, else its subject CN; lower case, without a trailing dot. */
  static List<String> dnsNames(X509Certificate leaf) {
    Set<String> names = new LinkedHashSet<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
            names.add(normalize(String.valueOf(san.get(1))));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // fall back to the CN
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(normalize(String.valueOf(rdn.getValue())));
          }
        }
      } catch (javax.naming.InvalidNameException e) {
        // no names
      }
    }
    names.removeIf(String::isEmpty);
    return List.copyOf(names);
  }

  /** A host name as looked up: lower case, without a trailing dot. */
  public static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
