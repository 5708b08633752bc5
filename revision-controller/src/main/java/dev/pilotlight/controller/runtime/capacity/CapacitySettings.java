package dev.pilotlight.controller.runtime.capacity;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The local node's capacity settings: what the node can allocate ({@code --capacity}) and what an
 * instance requests when its containers name no requests ({@code --instance-request}).
 *
 * @param allocatable the node's allocatable CPU and memory
 * @param instanceRequest an instance's requests for each resource its containers do not name
 */
public record CapacitySettings(Resources allocatable, Resources instanceRequest) {
  /** {@code cpu=500m,memory=256Mi}. */
  public static final Resources DEFAULT_INSTANCE_REQUEST = new Resources(500, 256L * 1024 * 1024);

  public CapacitySettings {
    Objects.requireNonNull(allocatable);
    Objects.requireNonNull(instanceRequest);
  }

  /** This machine's cores and physical memory, and the default instance request. */
  public static CapacitySettings machine() {
    return new CapacitySettings(machineResources(), DEFAULT_INSTANCE_REQUEST);
  }

  /**
   * From the options' values over {@link #machine()}'s: null or a resource not named keeps the
   * default.
   *
   * @throws IllegalArgumentException naming the option and the rule
   */
  public static CapacitySettings parse(String capacity, String instanceRequest) {
    CapacitySettings machine = machine();
    Resources allocatable =
        capacity == null
            ? machine.allocatable
            : Resources.parse("--capacity", capacity, machine.allocatable, true);
    Resources request =
        instanceRequest == null
            ? machine.instanceRequest
            : Resources.parse(
                "--instance-request", instanceRequest, machine.instanceRequest, false);
    return new CapacitySettings(allocatable, request);
  }

  /**
   * {@code Runtime.availableProcessors()} cores and the physical memory (the JVM's operating system
   * bean, else {@code /proc/meminfo}'s MemTotal, else 1 TiB when neither says).
   */
  static Resources machineResources() {
    long cpu = Runtime.getRuntime().availableProcessors() * 1000L;
    long memory = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      memory = os.getTotalMemorySize();
    }
    if (memory <= 0) {
      memory = memInfoTotal(Path.of("/proc/meminfo"));
    }
    return new Resources(cpu, memory > 0 ? memory : 1L << 40);
  }

  /** MemTotal of a {@code /proc/meminfo}, in bytes; 0 when unreadable. */
  static long memInfoTotal(Path meminfo) {
    try {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return 0;
  }
}
