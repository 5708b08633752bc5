package dev.pilotlight.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientLimitsTest {
  @Test
  void theDerivedConnectionBoundLeavesDescriptorsForInstanceConnectionsAndTheRest() {
    assertThat(ClientLimits.connectionBound(20_000)).isEqualTo(9_872);
    assertThat(ClientLimits.connectionBound(1_048_576)).isEqualTo(524_160);
    assertThat(ClientLimits.connectionBound(1_024)).isEqualTo(384);
    assertThat(ClientLimits.connectionBound(256)).isEqualTo(64); // never below 64
    assertThat(ClientLimits.connectionBound(-1)).isEqualTo(ClientLimits.FALLBACK_MAX_CONNECTIONS);
  }

  @Test
  void aGivenBoundIsTakenAsIsAndZeroDerivesOne() {
    assertThat(ClientLimits.defaults().withMaxConnections(7).effectiveMaxConnections())
        .isEqualTo(7);
    assertThat(ClientLimits.defaults().effectiveMaxConnections()).isGreaterThanOrEqualTo(64);
  }

  @Test
  void timeoutsMustBePositiveAndTheBoundNotNegative() {
    assertThatThrownBy(() -> ClientLimits.defaults().withBodyTimeout(Duration.ZERO))
        .hasMessage("body timeout: must be positive, was PT0S");
    assertThatThrownBy(() -> ClientLimits.defaults().withMaxConnections(-1))
        .hasMessageStartingWith("max connections: must be 0 (derived) or positive");
  }

  @Test
  void theShortestTimeoutIsTheTimersLongestSleep() {
    assertThat(ClientLimits.defaults().shortestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(
            ClientLimits.defaults().withHttp2IdleTimeout(Duration.ofSeconds(5)).shortestTimeout())
        .isEqualTo(Duration.ofSeconds(5));
  }
}
