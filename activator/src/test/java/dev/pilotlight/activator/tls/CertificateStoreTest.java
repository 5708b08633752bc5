package dev.pilotlight.activator.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Choosing a certificate by host: exact, wildcard, default; a change is seen by every host. */
class CertificateStoreTest {
  static final String PLACEHOLDER = "pilotlight-no-certificate.invalid";
  static final DevCertificateAuthority CA = DevCertificateAuthority.create("test CA");

  static CertifiedKey issued(String source, List<String> names) throws Exception {
    CertifiedKey k = CA.issue(names);
    return new CertifiedKey(source, k.chain(), k.key(), k.names());
  }

  @Test
  void exactThenWildcardThenDefaultThenPlaceholder() throws Exception {
    CertificateStore store = new CertificateStore(TlsProvider.detect());
    assertThat(store.certificateFor("a.example.com").names()).containsExactly(PLACEHOLDER);
    store.put(issued("wild", List.of("*.example.com")));
    store.put(issued("exact", List.of("a.example.com")));
    assertThat(store.certificateFor("a.example.com").source()).isEqualTo("exact");
    assertThat(store.certificateFor("B.Example.com.").source()).isEqualTo("wild");
    // one label only
    assertThat(store.certificateFor("x.b.example.com").names()).containsExactly(PLACEHOLDER);
    store.defaultSource("wild");
    assertThat(store.certificateFor("x.b.example.com").source()).isEqualTo("wild");
    assertThat(store.certificateFor(null).source()).isEqualTo("wild");
    store.remove("exact");
    assertThat(store.certificateFor("a.example.com").source()).isEqualTo("wild");
  }

  /**
   * A lookup computing from the old certificates while a new one is put must not leave its answer
   * cached: the next lookup of that host sees the new certificate. (Caffeine's invalidateAll does
   * not reach a computation in flight; this failed about one run in two of SecretCertificatesIT.)
   */
  @Test
  void aLookupInFlightDuringAChangeDoesNotCacheTheOldAnswer() throws Exception {
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch changed = new CountDownLatch(1);
    CertificateStore store =
        new CertificateStore(
            TlsProvider.detect(),
            host -> {
              computing.countDown();
              try {
                changed.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Optional.empty();
            });
    CompletableFuture<CertifiedKey> inFlight =
        CompletableFuture.supplyAsync(() -> store.certificateFor("a.example.com"));
    assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();
    store.put(issued("new", List.of("a.example.com")));
    changed.countDown();
    // it began before the change
    assertThat(inFlight.get(10, TimeUnit.SECONDS).names()).containsExactly(PLACEHOLDER);
    assertThat(store.certificateFor("a.example.com").source()).isEqualTo("new");
  }
}
