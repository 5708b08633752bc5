package dev.pilotlight.controller.runtime.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResourcesTest {
  static final Resources DEFAULTS = new Resources(2000, 8L << 30);

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("cpu=1", new Resources(1000, 8L << 30)),
        Arguments.of("cpu=1500m", new Resources(1500, 8L << 30)),
        Arguments.of("cpu=0.5", new Resources(500, 8L << 30)),
        Arguments.of("cpu=0.0001", new Resources(1, 8L << 30)),
        Arguments.of("memory=4Gi", new Resources(2000, 4L << 30)),
        Arguments.of("memory=1G", new Resources(2000, 1_000_000_000L)),
        Arguments.of(" cpu=1000 , memory=1Ti ", new Resources(1_000_000, 1L << 40)),
        Arguments.of("memory=256Mi,cpu=250m", new Resources(250, 256L << 20)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesKubernetesQuantities_keepingTheDefaultOfAResourceNotNamed(
      String text, Resources expected) {
    assertThat(Resources.parse("--capacity", text, DEFAULTS, true)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("", "--capacity: empty (expected: NAME=QUANTITY pairs"),
        Arguments.of("cpu", "--capacity: \"cpu\" (expected: NAME=QUANTITY pairs"),
        Arguments.of("cpu=1,", "--capacity: \"\" (expected: NAME=QUANTITY pairs"),
        Arguments.of("cpu=abc", "--capacity: \"cpu=abc\" (expected: cpu as a Kubernetes quantity"),
        Arguments.of(
            "cpu=0", "--capacity: \"cpu=0\" (expected: cpu as a Kubernetes quantity above 0"),
        Arguments.of("cpu=-1", "--capacity: \"cpu=-1\" (expected: cpu as a Kubernetes quantity"),
        Arguments.of(
            "memory=lots", "--capacity: \"memory=lots\" (expected: memory as a Kubernetes"),
        Arguments.of("gpu=1", "--capacity: \"gpu=1\" (expected: resource names cpu, memory)"),
        Arguments.of("cpu=1,cpu=2", "--capacity: cpu given twice"));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("invalid")
  void badInputNamesTheOptionAndTheRule(String text, String message) {
    assertThatThrownBy(() -> Resources.parse("--capacity", text, DEFAULTS, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aRequestMayBeZero_aCapacityMayNot() {
    assertThat(Resources.parse("--instance-request", "cpu=0", DEFAULTS, false))
        .isEqualTo(new Resources(0, 8L << 30));
    assertThatThrownBy(() -> CapacitySettings.parse(null, "cpu=0.5x"))
        .hasMessageStartingWith("--instance-request: \"cpu=0.5x\"");
  }

  @Test
  void formatsAsKubernetesWrites() {
    assertThat(new Resources(500, 256L << 20)).hasToString("cpu=500m,memory=256Mi");
    assertThat(Resources.memory(1L << 30)).isEqualTo("1Gi");
    assertThat(Resources.memory(1L << 40)).isEqualTo("1Ti");
    assertThat(Resources.memory(3L << 10)).isEqualTo("3Ki");
    assertThat(Resources.memory(24683748L * 1024 + 1)).isEqualTo("24105Mi");
    assertThat(Resources.memory(1000)).isEqualTo("1000");
    assertThat(Resources.memory(0)).isEqualTo("0");
  }

  @Test
  void theMachineByDefault_optionsOverIt() {
    CapacitySettings machine = CapacitySettings.machine();
    assertThat(machine.allocatable().cpuMillicores())
        .isEqualTo(Runtime.getRuntime().availableProcessors() * 1000L);
    assertThat(machine.allocatable().memoryBytes()).isPositive();
    assertThat(machine.instanceRequest()).isEqualTo(new Resources(500, 256L << 20));
    CapacitySettings set = CapacitySettings.parse("cpu=1", "cpu=250m");
    assertThat(set.allocatable())
        .isEqualTo(new Resources(1000, machine.allocatable().memoryBytes()));
    assertThat(set.instanceRequest()).isEqualTo(new Resources(250, 256L << 20));
  }

  @Test
  void memInfo(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("meminfo");
    Files.writeString(f, "MemTotal:       24683748 kB\nMemFree:        1 kB\n");
    assertThat(CapacitySettings.memInfoTotal(f)).isEqualTo(24683748L * 1024);
    assertThat(CapacitySettings.memInfoTotal(dir.resolve("missing"))).isZero();
  }
}
