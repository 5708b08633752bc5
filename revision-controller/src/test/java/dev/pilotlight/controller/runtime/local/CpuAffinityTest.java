package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.reserve.ReserveResources;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {
  static final CpuAffinity FOUR = new CpuAffinity("/usr/bin/taskset", List.of(0, 1, 2, 3));

  @Test
  void cpuListsAreParsed() {
    assertThat(CpuAffinity.parseCpuList(" 0-3,8,10-11\n")).containsExactly(0, 1, 2, 3, 8, 10, 11);
    assertThat(CpuAffinity.parseCpuList("5")).containsExactly(5);
  }

  @Test
  void aLimitPinsToWholeCoresRoundedUp_theHighestNumbered() {
    assertThat(FOUR.cpusFor(250)).containsExactly(3);
    assertThat(FOUR.cpusFor(1000)).containsExactly(3);
    assertThat(FOUR.cpusFor(1001)).containsExactly(2, 3);
    assertThat(FOUR.cpusFor(3500)).as("all of them: nothing to restrict").isEmpty();
    assertThat(FOUR.cpusFor(0)).as("no limit").isEmpty();
    assertThat(CpuAffinity.NONE.cpusFor(250)).as("CPUs unknown").isEmpty();
  }

  @Test
  void theCommandRunsUnderTasksetOnlyWhenThatRestrictsIt() {
    assertThat(FOUR.wrap(List.of("/bin/app", "--x"), 500))
        .containsExactly("/usr/bin/taskset", "-c", "3", "/bin/app", "--x");
    assertThat(FOUR.wrap(List.of("/bin/app"), 4000)).containsExactly("/bin/app");
    assertThat(new CpuAffinity(null, List.of(0, 1)).wrap(List.of("/bin/app"), 500))
        .containsExactly("/bin/app");
  }

  @Test
  void whatIsAppliedIsSaidInWords() {
    assertThat(FOUR.describe(new ReserveResources("1500m", 1500, "256Mi", 256L << 20)))
        .isEqualTo(
            "cpu=1500m: CPU affinity to 2 of 4 CPUs (taskset -c 2,3); memory=256Mi: not applied"
                + " (local processes get no memory limit)");
    assertThat(FOUR.describe(new ReserveResources("8", 8000, null, 0)))
        .isEqualTo("cpu=8: not restricted (covers all 4 CPUs)");
    assertThat(CpuAffinity.NONE.describe(new ReserveResources("1", 1000, null, 0)))
        .isEqualTo("cpu=1: not applied (needs Linux and taskset)");
    assertThat(FOUR.describe(ReserveResources.NONE)).isEqualTo("no cpu limit");
  }
}
