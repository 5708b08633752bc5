package dev.pilotlight.activator.netty;

import static dev.pilotlight.activator.netty.ExchangeRetry.Decision.ANOTHER_SLOT;
import static dev.pilotlight.activator.netty.ExchangeRetry.Decision.GIVE_UP;
import static dev.pilotlight.activator.netty.ExchangeRetry.Decision.SAME_INSTANCE_NEW_CONNECTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.netty.ExchangeRetry.Decision;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The retry decision as a table. */
class ExchangeRetryTest {
  static Stream<Arguments> losses() {
    // attempts, reused, staleRetried, lostFreshBefore, idempotent, bodyBytesSent -> decision
    return Stream.of(
        // a stale kept-alive connection: once more on a fresh one, to the same instance
        Arguments.of(1, true, false, false, true, 0L, SAME_INSTANCE_NEW_CONNECTION),
        Arguments.of(3, true, false, false, true, 0L, SAME_INSTANCE_NEW_CONNECTION),
        // ... but only once
        Arguments.of(1, true, true, false, true, 0L, GIVE_UP),
        // a fresh connection lost: another slot while attempts remain
        Arguments.of(1, false, false, false, true, 0L, ANOTHER_SLOT),
        Arguments.of(2, false, true, false, true, 0L, ANOTHER_SLOT),
        Arguments.of(3, false, false, false, true, 0L, GIVE_UP),
        Arguments.of(3, false, true, false, true, 0L, GIVE_UP),
        // ... never twice on a fresh connection
        Arguments.of(2, false, false, true, true, 0L, GIVE_UP),
        Arguments.of(2, false, true, true, true, 0L, GIVE_UP),
        // a reused connection after a fresh loss (another slot's pooled one): its stale retry
        Arguments.of(2, true, false, true, true, 0L, SAME_INSTANCE_NEW_CONNECTION),
        // never a method that is not idempotent, reused connection or not
        Arguments.of(1, true, false, false, false, 0L, GIVE_UP),
        Arguments.of(1, false, false, false, false, 0L, GIVE_UP),
        // never once a body byte went out
        Arguments.of(1, true, false, false, true, 1L, GIVE_UP),
        Arguments.of(1, false, false, false, true, 65_536L, GIVE_UP));
  }

  @ParameterizedTest(
      name = "attempts={0} reused={1} staleRetried={2} lostFresh={3} idempotent={4} sent={5}")
  @MethodSource("losses")
  void afterLoss(
      int attempts,
      boolean reused,
      boolean staleRetried,
      boolean lostFresh,
      boolean idempotent,
      long sent,
      Decision expected) {
    assertThat(ExchangeRetry.afterLoss(attempts, reused, staleRetried, lostFresh, idempotent, sent))
        .isEqualTo(expected);
  }

  @Test
  void afterConnectFailure_anotherSlotUntilTheAttemptLimit() {
    assertThat(ExchangeRetry.afterConnectFailure(1)).isEqualTo(ANOTHER_SLOT);
    assertThat(ExchangeRetry.afterConnectFailure(ExchangeRetry.MAX_ATTEMPTS - 1))
        .isEqualTo(ANOTHER_SLOT);
    assertThat(ExchangeRetry.afterConnectFailure(ExchangeRetry.MAX_ATTEMPTS)).isEqualTo(GIVE_UP);
  }

  @Test
  void backoff_growsFromTenMilliseconds() {
    assertThat(ExchangeRetry.backoff(1)).isEqualTo(Duration.ofMillis(10));
    assertThat(ExchangeRetry.backoff(2)).isEqualTo(Duration.ofMillis(20));
  }
}
