package dev.pilotlight.api.reserve;

/**
 * The reserve's resources, used as both requests and limits: each as written (a Kubernetes
 * quantity, for the Kubernetes runtime) and as a number (for the local one).
 *
 * @param cpu e.g. {@code 250m}, or null when not given
 * @param cpuMillicores {@code cpu} in thousandths of a core, rounded up; 0 when not given
 * @param memory e.g. {@code 256Mi}, or null when not given
 * @param memoryBytes {@code memory} in bytes, rounded up; 0 when not given
 */
public record ReserveResources(String cpu, long cpuMillicores, String memory, long memoryBytes) {
  public static final ReserveResources NONE = new ReserveResources(null, 0, null, 0);

  public boolean isEmpty() {
    return cpu == null && memory == null;
  }

  /** As the annotation writes it: {@code cpu=250m,memory=256Mi}; empty when none. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (cpu != null) {
      sb.append("cpu=").append(cpu);
    }
    if (memory != null) {
      sb.append(sb.isEmpty() ? "" : ",").append("memory=").append(memory);
    }
    return sb.toString();
  }
}
