package dev.pilotlight.activator.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.activator.GatewayMetrics;
import dev.pilotlight.testkit.ManualTicker;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection bound and the accept back-off, on an embedded channel standing for the listening
 * one (its inbound messages are the accepted connections; its auto-read is whether it accepts).
 */
class AcceptGateTest {
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final ManualTicker ticker = new ManualTicker();
  private final EmbeddedChannel server = new EmbeddedChannel();
  private final List<EmbeddedChannel> children = new ArrayList<>();

  {
    server.freezeTime();
  }

  private AcceptGate gate(int max) {
    AcceptGate gate = new AcceptGate(max, metrics, ticker);
    server.pipeline().addFirst(gate);
    return gate;
  }

  private EmbeddedChannel accept() {
    EmbeddedChannel child = new EmbeddedChannel();
    children.add(child);
    server.writeInbound(child);
    return child;
  }

  @AfterEach
  void close() {
    children.forEach(EmbeddedChannel::finishAndReleaseAll);
    server.finishAndReleaseAll();
  }

  @Test
  void atTheBoundAcceptingPausesAndAClosedConnectionResumesIt() {
    AcceptGate gate = gate(2);
    EmbeddedChannel first = accept();
    accept();
    assertThat(gate.open()).isEqualTo(2);
    assertThat(metrics.connections()).isEqualTo(2);
    assertThat(server.config().isAutoRead()).isFalse();
    assertThat(gate.paused()).isTrue();

    first.close();
    server.runPendingTasks();
    assertThat(gate.open()).isEqualTo(1);
    assertThat(metrics.connections()).isEqualTo(1);
    assertThat(server.config().isAutoRead()).isTrue();
    assertThat(metrics.connectionsRefused()).isZero();
  }

  @Test
  void aConnectionAcceptedPastTheBoundIsClosedAtOnceAndCounted() {
    AcceptGate gate = gate(1);
    EmbeddedChannel kept = accept();
    EmbeddedChannel over = accept(); // came in the same batch, before the pause took effect
    assertThat(kept.isOpen()).isTrue();
    assertThat(over.isOpen()).isFalse();
    assertThat(gate.open()).isEqualTo(1);
    assertThat(metrics.connectionsRefused()).isEqualTo(1);
    Object first = server.readInbound();
    assertThat(first).isSameAs(kept); // only the kept one reaches the acceptor
    Object none = server.readInbound();
    assertThat(none).isNull();
  }

  @Test
  void failedAcceptsPauseAcceptingForABackOffThatDoublesAndResetsOnSuccess() {
    gate(10);
    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    assertThat(server.config().isAutoRead()).isFalse();
    server.advanceTimeBy(AcceptGate.MIN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isTrue();

    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    server.advanceTimeBy(AcceptGate.MIN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isFalse(); // 20 ms this time
    server.advanceTimeBy(AcceptGate.MIN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isTrue();
    assertThat(metrics.acceptErrors()).isEqualTo(2);

    for (int i = 0; i < 20; i++) {
      server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    }
    server.advanceTimeBy(AcceptGate.MAX_BACKOFF_MILLIS - 1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isFalse(); // capped at the maximum, still waiting
    server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isTrue();

    accept(); // an accept that works resets the back-off
    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    server.advanceTimeBy(AcceptGate.MIN_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isTrue();
  }

  @Test
  void aConnectionClosingEndsTheBackOffEarly() {
    gate(10);
    EmbeddedChannel child = accept();
    server.pipeline().fireExceptionCaught(new IOException("Too many open files"));
    assertThat(server.config().isAutoRead()).isFalse();
    child.close(); // a descriptor is free again
    server.runPendingTasks();
    assertThat(server.config().isAutoRead()).isTrue();
  }
}
