package dev.pilotlight.activator.tls;

import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates from PEM files, kept in a {@link CertificateStore} and read again when they change:
 * pairs given as (certificate, key) and directories, in which each {@code NAME.crt} or {@code
 * NAME.pem} with a {@code NAME.key} or {@code NAME-key.pem} beside it is a pair. {@link #scan()}
 * (called every poll interval by the owner) reads the pairs whose files' contents changed: a valid
 * certificate replaces the pair's previous one at once; an unreadable, mismatched or expired one is
 * logged with its path and the previous one stays in force; a pair whose files are gone is removed.
 * The first pair given (or found) is the default certificate (no SNI, unknown host).
 */
public final class CertificateFiles {
  private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);

  /** A certificate file and its key file. */
  public record Pair(Path certificate, Path key) {
    String source() {
      return certificate.toString();
    }
  }

  /** What the two files held when read (their contents' hashes and lengths). */
  private record Stamp(int certHash, int certLength, int keyHash, int keyLength) {}

  private final CertificateStore store;
  private final List<Pair> pairs;
  private final List<Path> directories;
  private final Map<Pair, Stamp> seen = new HashMap<>();
  private final Map<Pair, Stamp> refused = new HashMap<>();

  public CertificateFiles(CertificateStore store, List<Pair> pairs, List<Path> directories) {
    this.store = store;
    this.pairs = List.copyOf(pairs);
    this.directories = List.copyOf(directories);
  }

  /** Reads the pairs that changed since the last scan; returns how many were refused now. */
  public synchronized int scan() {
    List<Pair> current = new ArrayList<>(pairs);
    for (Path dir : directories) {
      current.addAll(pairsIn(dir));
    }
    int bad = 0;
    for (Pair p : current) {
      Stamp s = stamp(p);
      if (s == null) {
        continue; // missing for now: the previous certificate (if any) stays until the pair is gone
      }
      if (s.equals(seen.get(p)) || s.equals(refused.get(p))) {
        continue;
      }
      try {
        CertifiedKey k =
            CertifiedKey.fromPem(
                p.source(),
                Files.readString(p.certificate(), StandardCharsets.US_ASCII),
                Files.readString(p.key(), StandardCharsets.US_ASCII),
                Instant.now());
        store.put(k);
        boolean reload = seen.containsKey(p);
        seen.put(p, s);
        refused.remove(p);
        log.info(
            "TLS: {} certificate {} for {} (valid until {})",
            reload ? "reloaded" : "loaded",
            p.certificate(),
            k.names(),
            k.notAfter());
      } catch (InvalidCertificateException | IOException e) {
        bad++;
        refused.put(p, s);
        log.warn(
            "TLS: certificate {} (key {}) refused: {}; {}",
            p.certificate(),
            p.key(),
            e.getMessage(),
            seen.containsKey(p) ? "the previous one stays in use" : "not served");
      }
    }
    for (Pair gone : new ArrayList<>(seen.keySet())) {
      if (!current.contains(gone)
          || (!Files.exists(gone.certificate()) && !Files.exists(gone.key()))) {
        seen.remove(gone);
        store.remove(gone.source());
        log.info("TLS: certificate {} removed", gone.certificate());
      }
    }
    String first =
        current.stream().filter(seen::containsKey).map(Pair::source).findFirst().orElse(null);
    store.defaultSource(first);
    return bad;
  }

  /** The pairs a directory holds now, sorted by name. */
  static List<Pair> pairsIn(Path dir) {
    List<Pair> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.endsWith("-key.pem")) {
          continue;
        }
        String base;
        if (name.endsWith(".crt")) {
          base = name.substring(0, name.length() - 4);
        } else if (name.endsWith(".pem")) {
          base = name.substring(0, name.length() - 4);
        } else {
          continue;
        }
        for (Path key : List.of(dir.resolve(base + ".key"), dir.resolve(base + "-key.pem"))) {
          if (Files.exists(key)) {
            out.add(new Pair(f, key));
            break;
          }
        }
      }
    } catch (IOException e) {
      log.warn("TLS: cannot list certificate directory {}: {}", dir, e.toString());
    }
    out.sort((a, b) -> a.certificate().compareTo(b.certificate()));
    return out;
  }

  private static Stamp stamp(Pair p) {
    try {
      byte[] cert = Files.readAllBytes(p.certificate());
      byte[] key = Files.readAllBytes(p.key());
      return new Stamp(
          java.util.Arrays.hashCode(cert), cert.length, java.util.Arrays.hashCode(key), key.length);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return "CertificateFiles" + Objects.toString(pairs) + directories;
  }
}
