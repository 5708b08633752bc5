package dev.pilotlight.activator.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.activator.tls.CertifiedKey.InvalidCertificateException;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.Mapping;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates the TLS port serves, by host: a certificate naming the host exactly, else one
 * whose wildcard covers it ({@code *.example.com} covers {@code a.example.com}, one label only, as
 * RFC 6125 6.4.3 has it), else the issuer's (local mode's development CA, for hosts it may issue
 * for), else the default certificate: the one {@link #defaultSource marked} default, else a
 * self-signed placeholder that names no host. So a client without SNI or with an unknown host gets
 * the default certificate, never another host's.
 *
 * <p>Certificates come from sources (a file pair, a Secret), each put, replaced or removed as a
 * whole; a certificate refused when put ({@link InvalidCertificateException}) leaves the source's
 * previous one in force. Lookups by host go through a bounded Caffeine cache ({@value #CACHE_SIZE}
 * hosts), one per index: a change builds a new index with an empty cache, so a lookup that was
 * computing from the old index while the change landed cannot leave its stale answer cached (a
 * Caffeine {@code invalidateAll} does not reach a computation in flight). Two sources naming the
 * same host: the certificate valid longer wins.
 */
public final class CertificateStore implements Mapping<String, SslContext> {
  private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

  /** Hosts whose certificate choice is cached. */
  public static final int CACHE_SIZE = 10_000;

  private record Entry(CertifiedKey key, SslContext context) {}

  private record Index(
      Map<String, Entry> exact,
      Map<String, Entry> wildcard,
      Entry fallback,
      Cache<String, Entry> byHost) {
    Index(Map<String, Entry> exact, Map<String, Entry> wildcard, Entry fallback) {
      this(exact, wildcard, fallback, Caffeine.newBuilder().maximumSize(CACHE_SIZE).build());
    }
  }

  private final SslProvider provider;
  private final Function<String, Optional<CertifiedKey>> issuer;
  private final Map<String, Entry> sources = new LinkedHashMap<>(); // guarded by this
  private String defaultSource; // guarded by this
  private Entry placeholder; // guarded by this, made on first need
  private volatile Index index = new Index(Map.of(), Map.of(), null);

  /**
   * @param issuer makes a certificate for a host no source names (local mode's development CA), or
   *     empty for a host it does not issue for
   */
  public CertificateStore(SslProvider provider, Function<String, Optional<CertifiedKey>> issuer) {
    this.provider = provider;
    this.issuer = issuer;
  }

  public CertificateStore(SslProvider provider) {
    this(provider, host -> Optional.empty());
  }

  public SslProvider provider() {
    return provider;
  }

  /**
   * Puts or replaces a source's certificate; refused (the previous kept) if no context takes it.
   */
  public void put(CertifiedKey key) throws InvalidCertificateException {
    Entry e = new Entry(key, context(key));
    synchronized (this) {
      sources.put(key.source(), e);
      reindex();
    }
  }

  /** Removes a source's certificate (its file pair or Secret is gone). */
  public synchronized void remove(String source) {
    if (sources.remove(source) != null) {
      reindex();
    }
  }

  /**
   * The source whose certificate is served without SNI or for a host no certificate names (null:
   * the placeholder). Set it to one the operator owns for every host (e.g. the domain's wildcard),
   * never to a tenant's.
   */
  public synchronized void defaultSource(String source) {
    defaultSource = source;
    reindex();
  }

  /** The sources in force, for logs and tests. */
  public synchronized Map<String, CertifiedKey> certificates() {
    Map<String, CertifiedKey> out = new LinkedHashMap<>();
    sources.forEach((s, e) -> out.put(s, e.key()));
    return out;
  }

  /** Hosts whose choice is cached now (bounded by {@value #CACHE_SIZE}). */
  public long cachedHosts() {
    Cache<String, Entry> byHost = index.byHost();
    byHost.cleanUp();
    return byHost.estimatedSize();
  }

  /** The SNI host's context ({@code null} host: no SNI). Never null. */
  @Override
  public SslContext map(String host) {
    return chosen(host).context();
  }

  /** The certificate served for SNI {@code host} (null: no SNI). */
  public CertifiedKey certificateFor(String host) {
    return chosen(host).key();
  }

  private Entry chosen(String host) {
    if (host == null || host.isEmpty()) {
      return fallback();
    }
    Index ix = index;
    return ix.byHost().get(CertifiedKey.normalize(host), h -> lookup(ix, h));
  }

  private Entry lookup(Index ix, String host) {
    Entry e = ix.exact().get(host);
    if (e == null) {
      int dot = host.indexOf('.');
      if (dot > 0) {
        e = ix.wildcard().get(host.substring(dot + 1));
      }
    }
    if (e != null) {
      return e;
    }
    Optional<CertifiedKey> issued = issuer.apply(host);
    if (issued.isPresent()) {
      try {
        return new Entry(issued.get(), context(issued.get()));
      } catch (InvalidCertificateException ex) {
        log.warn("TLS: the certificate issued for {} was refused: {}", host, ex.getMessage());
      }
    }
    return fallback(ix);
  }

  private Entry fallback() {
    return fallback(index);
  }

  private Entry fallback(Index ix) {
    Entry f = ix.fallback();
    if (f != null) {
      return f;
    }
    synchronized (this) {
      if (placeholder == null) {
        try {
          CertifiedKey k = DevCertificateAuthority.placeholder();
          placeholder = new Entry(k, context(k));
        } catch (InvalidCertificateException e) {
          throw new IllegalStateException("cannot make the placeholder certificate", e);
        }
      }
      return placeholder;
    }
  }

  private void reindex() {
    Map<String, Entry> exact = new HashMap<>();
    Map<String, Entry> wildcard = new HashMap<>();
    for (Entry e : sources.values()) {
      for (String name : e.key().names()) {
        if (name.startsWith("*.")) {
          wildcard.merge(name.substring(2), e, CertificateStore::longer);
        } else {
          exact.merge(name, e, CertificateStore::longer);
        }
      }
    }
    Entry fallback = defaultSource == null ? null : sources.get(defaultSource);
    index = new Index(Map.copyOf(exact), Map.copyOf(wildcard), fallback);
  }

  private static Entry longer(Entry a, Entry b) {
    return b.key().notAfter().isAfter(a.key().notAfter()) ? b : a;
  }

  private SslContext context(CertifiedKey key) throws InvalidCertificateException {
    try {
      return SslContextBuilder.forServer(key.key(), key.chain().toArray(new X509Certificate[0]))
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (SSLException | RuntimeException e) {
      throw new InvalidCertificateException("refused by " + provider + ": " + e.getMessage(), e);
    }
  }
}
