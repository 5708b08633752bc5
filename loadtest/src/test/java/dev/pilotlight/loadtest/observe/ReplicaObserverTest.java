package dev.pilotlight.loadtest.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.time.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplicaObserverTest {
  /** Counts down from 3 replicas to 0, one per read, failing every third read. */
  static final class Shrinking implements ReplicaSource {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Replicas read() throws IOException {
      int n = reads.getAndIncrement();
      if (n % 3 == 2) {
        throw new IOException("flaky");
      }
      int r = Math.max(0, 3 - n);
      return new Replicas(r, r, 0);
    }

    @Override
    public String describe() {
      return "shrinking";
    }
  }

  @Test
  void samplesUntilTheConditionHoldsAndCountsFailedReads() throws Exception {
    try (ReplicaObserver o =
        new ReplicaObserver(
            new Shrinking(), Ticker.system(), Ticker.system().nanoTime(), Duration.ofMillis(5))) {
      o.start();
      assertThat(o.await(tl -> tl.get(tl.size() - 1).atZero(), Duration.ofSeconds(30))).isTrue();
      assertThat(o.samples().get(0).desired()).isEqualTo(3);
      assertThat(o.failures()).isPositive();
      assertThat(o.lastFailure()).isEqualTo("flaky");
      double previous = -1;
      for (ReplicaSample s : o.samples()) {
        assertThat(s.t()).isGreaterThanOrEqualTo(previous);
        previous = s.t();
      }
    }
  }

  @Test
  void aConditionNeverMetEndsAtTheTimeout() throws Exception {
    try (ReplicaObserver o =
        new ReplicaObserver(
            new Shrinking(), Ticker.system(), Ticker.system().nanoTime(), Duration.ofMillis(5))) {
      o.start();
      assertThat(o.await(tl -> false, Duration.ofMillis(50))).isFalse();
    }
  }

  @Test
  void theFirstReadFailsTheStart() {
    ReplicaSource broken =
        new ReplicaSource() {
          @Override
          public Replicas read() {
            throw new IllegalArgumentException("--observe: no such thing");
          }

          @Override
          public String describe() {
            return "broken";
          }
        };
    try (ReplicaObserver o =
        new ReplicaObserver(broken, Ticker.system(), 0, Duration.ofSeconds(1))) {
      assertThatThrownBy(o::start).hasMessage("--observe: no such thing");
    }
  }
}
