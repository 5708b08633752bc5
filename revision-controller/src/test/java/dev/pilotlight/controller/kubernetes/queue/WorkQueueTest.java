package dev.pilotlight.controller.kubernetes.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.ManualScheduler;
import dev.pilotlight.testkit.ManualTicker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  final ManualTicker ticker = new ManualTicker();
  final ManualScheduler scheduler = new ManualScheduler(ticker);
  final WorkQueue<String> queue = new WorkQueue<>(scheduler, ticker);

  @Test
  void keysComeOutInOrderAndAQueuedKeyIsAddedOnce() {
    queue.add("a");
    queue.add("b");
    queue.add("a");
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.poll()).isEqualTo("a");
    assertThat(queue.poll()).isEqualTo("b");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void aKeyBeingProcessedIsNotHandedOutAgainUntilDone() {
    queue.add("a");
    assertThat(queue.poll()).isEqualTo("a");
    queue.add("a"); // changed while running
    queue.add("a");
    assertThat(queue.poll()).as("not twice at once").isNull();
    queue.done("a");
    assertThat(queue.poll()).as("re-queued once after done").isEqualTo("a");
    queue.done("a");
    assertThat(queue.poll()).isNull();
  }

  @Test
  void doneWithoutAChangeDoesNotRequeue() {
    queue.add("a");
    queue.done(queue.poll());
    assertThat(queue.size()).isZero();
  }

  @Test
  void addAfterQueuesWhenDueAndKeepsOnlyTheEarliestParkedAdd() {
    queue.addAfter("a", Duration.ofSeconds(10));
    queue.addAfter("a", Duration.ofSeconds(3));
    queue.addAfter("a", Duration.ofSeconds(20));
    assertThat(queue.parked()).isEqualTo(1);
    scheduler.advance(2, TimeUnit.SECONDS);
    assertThat(queue.poll()).isNull();
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(queue.poll()).isEqualTo("a");
    queue.done("a");
    scheduler.advance(1, TimeUnit.MINUTES);
    assertThat(queue.poll()).as("the later adds were dropped").isNull();
    assertThat(queue.parked()).isZero();
  }

  @Test
  void addAfterWithoutDelayQueuesAtOnce() {
    queue.addAfter("a", Duration.ZERO);
    assertThat(queue.poll()).isEqualTo("a");
  }

  @Test
  void aParkedKeyDueWhileProcessingIsQueuedAfterDone() {
    queue.add("a");
    assertThat(queue.poll()).isEqualTo("a");
    queue.addAfter("a", Duration.ofSeconds(1));
    scheduler.advance(1, TimeUnit.SECONDS);
    assertThat(queue.poll()).isNull();
    queue.done("a");
    assertThat(queue.poll()).isEqualTo("a");
  }

  @Test
  void shutDownWakesTakersAndDropsEverything() throws Exception {
    queue.add("a");
    queue.addAfter("b", Duration.ofSeconds(1));
    queue.shutDown();
    assertThat(queue.take()).isNull();
    queue.add("c");
    assertThat(queue.poll()).isNull();
    assertThat(queue.parked()).isZero();
  }

  @Test
  void takeWaitsForAKey() throws Exception {
    Thread adder = new Thread(() -> queue.add("late"));
    adder.start();
    assertThat(queue.take()).isEqualTo("late");
    adder.join();
  }
}
