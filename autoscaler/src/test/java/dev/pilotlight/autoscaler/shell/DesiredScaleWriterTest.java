package dev.pilotlight.autoscaler.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.spi.ScaleDecision;
import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Leader-only, coalesced, level-triggered writes of decisions; manual time for retries. */
class DesiredScaleWriterTest {
  static final RevisionKey A = new RevisionKey("demo", "hello-00001");

  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler executor = new ManualScheduler(ticker);
  final FakeStore store = new FakeStore();
  final DesiredScaleWriter writer = new DesiredScaleWriter(store, executor);

  static final class FakeStore implements DesiredScaleWriter.Store {
    final Map<RevisionKey, Integer> cluster = new HashMap<>();
    final List<String> writes = new ArrayList<>();
    int failuresLeft;

    @Override
    public DesiredScaleWriter.Observed observe(RevisionKey key) {
      return cluster.containsKey(key)
          ? new DesiredScaleWriter.Observed(true, cluster.get(key))
          : DesiredScaleWriter.Observed.ABSENT;
    }

    @Override
    public void writeDesiredScale(RevisionKey key, int desiredScale) {
      if (failuresLeft-- > 0) {
        throw new IllegalStateException("503 from the API server");
      }
      writes.add(key.name() + "=" + desiredScale);
      cluster.put(key, desiredScale);
    }
  }

  static ScaleDecision decision(int scale) {
    return new ScaleDecision(A, scale, false, 0, "test");
  }

  @Test
  void aStandbyRemembersDecisionsAndWritesTheLatestWhenItLeads() {
    store.cluster.put(A, null);
    writer.onDecision(decision(1));
    writer.onDecision(decision(4));
    assertThat(store.writes).as("not leading").isEmpty();
    writer.startLeading();
    assertThat(store.writes).containsExactly("hello-00001=4");
    writer.stopLeading();
    writer.onDecision(decision(0));
    assertThat(store.writes).containsExactly("hello-00001=4");
  }

  @Test
  void writesOnlyWhenTheClusterDisagrees() {
    store.cluster.put(A, 2);
    writer.startLeading();
    writer.onDecision(decision(2));
    assertThat(store.writes).isEmpty();
    store.cluster.put(A, 7); // someone else wrote
    writer.observed(A);
    assertThat(store.writes).containsExactly("hello-00001=2");
  }

  @Test
  void aPodAutoscalerSeenLaterGetsTheDecision() {
    writer.startLeading();
    writer.onDecision(decision(1));
    assertThat(store.writes).isEmpty();
    store.cluster.put(A, null);
    writer.observed(A);
    assertThat(store.writes).containsExactly("hello-00001=1");
  }

  @Test
  void failedWritesAreRetriedWithBackoff() {
    store.cluster.put(A, null);
    store.failuresLeft = 3;
    writer.startLeading();
    writer.onDecision(decision(3));
    assertThat(store.writes).isEmpty();
    executor.advance(100, TimeUnit.MILLISECONDS); // retry 1 fails
    executor.advance(199, TimeUnit.MILLISECONDS);
    assertThat(store.writes).isEmpty();
    executor.advance(1, TimeUnit.MILLISECONDS); // retry 2 fails at +300
    executor.advance(400, TimeUnit.MILLISECONDS); // retry 3 succeeds at +700
    assertThat(store.writes).containsExactly("hello-00001=3");
  }

  @Test
  void aForgottenRevisionIsNotWritten() {
    store.cluster.put(A, null);
    writer.onDecision(decision(2));
    writer.forget(A);
    writer.startLeading();
    assertThat(store.writes).isEmpty();
  }

  @Test
  void retryDelaysDoubleUpToThirtySeconds() {
    assertThat(DesiredScaleWriter.RETRY.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(DesiredScaleWriter.RETRY.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(DesiredScaleWriter.RETRY.delay(20)).isEqualTo(Duration.ofSeconds(30));
  }
}
