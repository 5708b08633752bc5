package dev.pilotlight.loadtest.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {
  static final long MS = 1_000_000L;

  @Test
  void intervalsAndTotalsInMilliseconds() {
    LatencyRecorder r = new LatencyRecorder();
    for (int i = 1; i <= 100; i++) {
      r.success(i * MS);
    }
    r.error("status 503", 5 * MS, true);
    r.error("timeout", 0, false);
    LatencyRecorder.Interval first = r.interval(1);
    assertThat(first.responses()).isEqualTo(101);
    assertThat(first.errors()).isEqualTo(2);
    assertThat(first.p50()).isCloseTo(50, Offset.offset(0.1));
    assertThat(first.p99()).isCloseTo(99, Offset.offset(0.1));
    assertThat(first.max()).isCloseTo(100, Offset.offset(0.1));
    LatencyRecorder.Interval second = r.interval(2);
    assertThat(second.responses()).isZero();
    assertThat(second.errors()).isZero();
    assertThat(r.total().getTotalCount()).isEqualTo(101);
    assertThat(r.errors()).containsEntry("status 503", 1L).containsEntry("timeout", 1L);
  }

  @Test
  void aStallShowsInThePercentilesWhenMeasuredFromIntendedTimes() {
    // 1,000 requests intended every millisecond; the server stalls for 500 ms at the start, so the
    // first 500 are answered late by 500, 499, ... 1 ms: coordinated-omission-free recording keeps
    // them.
    LatencyRecorder r = new LatencyRecorder();
    long stallEnd = 500 * MS;
    for (int i = 0; i < 1000; i++) {
      long intended = i * MS;
      long answered = Math.max(intended, stallEnd) + MS;
      r.success(answered - intended);
    }
    r.interval(1);
    assertThat(r.total().getValueAtPercentile(75) / 1000.0)
        .as("half the requests waited out the stall")
        .isGreaterThan(200);
    assertThat(r.total().getValueAtPercentile(90) / 1000.0).isGreaterThan(300);
  }
}
