package dev.pilotlight.activator.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CapacityShareTest {
  @ParameterizedTest(name = "limit {0}, instance {1}, replica {2} of {3}: {4}")
  @CsvSource({
    // limit, instance, replica, replicas, share
    "10, 0, 0, 1, 10",
    "10, 0, 0, 2, 5",
    "10, 0, 1, 2, 5",
    "10, 0, 0, 3, 4",
    "10, 0, 1, 3, 3",
    "10, 0, 2, 3, 3",
    "10, 1, 0, 3, 3",
    "10, 1, 1, 3, 4",
    "10, 2, 2, 3, 4",
    "1, 0, 0, 3, 1",
    "1, 0, 1, 3, 0",
    "1, 1, 1, 3, 1",
    "1, 2, 2, 3, 1",
    "1, 3, 0, 3, 1",
    "0, 0, 0, 3, 0",
    "5, 0, 0, 0, 5",
  })
  void table(int limit, int instance, int replica, int replicas, int share) {
    assertThat(CapacityShare.of(limit, instance, replica, replicas)).isEqualTo(share);
  }

  @Test
  void anInstancesSharesSumToItsLimitAndAreEvenWithinOne() {
    for (int limit = 1; limit <= 40; limit++) {
      for (int replicas = 1; replicas <= 12; replicas++) {
        for (int instance = 0; instance < 15; instance++) {
          int sum = 0;
          int min = Integer.MAX_VALUE;
          int max = 0;
          for (int r = 0; r < replicas; r++) {
            int s = CapacityShare.of(limit, instance, r, replicas);
            sum += s;
            min = Math.min(min, s);
            max = Math.max(max, s);
          }
          assertThat(sum).as("limit %d, %d replicas", limit, replicas).isEqualTo(limit);
          assertThat(max - min).isLessThanOrEqualTo(1);
        }
      }
    }
  }

  @Test
  void theExtraSlotsOfSeveralInstancesFallOnDifferentReplicas() {
    // limit 1, 3 replicas, 3 instances: each replica gets exactly one instance's slot
    for (int r = 0; r < 3; r++) {
      int total = 0;
      for (int i = 0; i < 3; i++) {
        total += CapacityShare.of(1, i, r, 3);
      }
      assertThat(total).isEqualTo(1);
    }
  }
}
