package dev.pilotlight.controller.runtime.capacity;

import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.reserve.ReserveResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What one instance of a revision requests, as Kubernetes counts a pod's requests: the sum over its
 * containers (the serving one and any sidecars; init containers, which local mode does not run, are
 * not counted) of each container's {@code resources.requests}, a request not written being its
 * limit when one is (Kubernetes' defaulting). A resource no container names is the default instance
 * request ({@code --instance-request}). The pilot light's reserve instance is the same pod with the
 * reserve's resources ({@code pilotlight.dev/reserve-resources}) as its serving container's
 * requests, as its Deployment has them on a cluster.
 */
public final class InstanceRequests {
  private InstanceRequests() {}

  /** A standard instance's requests. */
  public static Resources standard(RevisionSpec spec, Resources defaults) {
    return of(spec, null, defaults);
  }

  /** The reserve instance's requests; {@code reserve} null or empty: a standard instance's. */
  public static Resources reserve(RevisionSpec spec, ReserveResources reserve, Resources defaults) {
    return of(spec, reserve, defaults);
  }

  private static Resources of(RevisionSpec spec, ReserveResources reserve, Resources defaults) {
    List<Container> containers = spec.containers();
    int serving = spec.servingIndex();
    long cpu = 0;
    long memory = 0;
    boolean cpuNamed = false;
    boolean memoryNamed = false;
    for (int n = 0; n < containers.size(); n++) {
      Container c = containers.get(n);
      boolean asReserve = n == serving && reserve != null;
      Long cpuOf =
          asReserve && reserve.cpu() != null
              ? Long.valueOf(reserve.cpuMillicores())
              : request(c, "cpu", 1000);
      Long memoryOf =
          asReserve && reserve.memory() != null
              ? Long.valueOf(reserve.memoryBytes())
              : request(c, "memory", 1);
      if (cpuOf != null) {
        cpuNamed = true;
        cpu = Math.addExact(cpu, cpuOf);
      }
      if (memoryOf != null) {
        memoryNamed = true;
        memory = Math.addExact(memory, memoryOf);
      }
    }
    return new Resources(
        cpuNamed ? cpu : defaults.cpuMillicores(), memoryNamed ? memory : defaults.memoryBytes());
  }

  /**
   * A container's request of {@code resource} × {@code factor}, else its limit; null if neither.
   */
  private static Long request(Container c, String resource, long factor) {
    ResourceRequirements r = c.getResources();
    if (r == null) {
      return null;
    }
    Long request = amount(r.getRequests(), resource, factor);
    return request != null ? request : amount(r.getLimits(), resource, factor);
  }

  private static Long amount(Map<String, Quantity> quantities, String resource, long factor) {
    Quantity q = quantities == null ? null : quantities.get(resource);
    if (q == null) {
      return null;
    }
    try {
      BigDecimal value = Quantity.getAmountInBytes(q);
      return Resources.scaled(value, factor, false);
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null; // validation refuses it before it gets here
    }
  }
}
