package dev.pilotlight.api.reserve;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A revision's pilot light, from its {@code pilotlight.dev/reserve-*} annotations ({@link
 * ReserveSpecs}): present only when {@code reserve-instance} is {@code "true"}. Both runtimes read
 * it; node selector, tolerations and pod annotations only mean something on Kubernetes.
 *
 * @param containerConcurrency the reserve's hard limit of concurrent requests, 0 = unlimited
 * @param servesUpTo while the revision's observed concurrency stays at or below this, no standard
 *     instance is started; 0 = every request after idle starts standard instances
 * @param resources requests and limits of the reserve
 * @param nodeSelector the reserve pod's node selector, in the order written
 * @param tolerations the reserve pod's tolerations, in the order written
 * @param podAnnotations annotations of the reserve pod, in the order written
 */
public record ReserveSpec(
    int containerConcurrency,
    int servesUpTo,
    ReserveResources resources,
    Map<String, String> nodeSelector,
    List<Toleration> tolerations,
    Map<String, String> podAnnotations) {

  public ReserveSpec {
    resources = resources == null ? ReserveResources.NONE : resources;
    nodeSelector = ordered(nodeSelector);
    tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
    podAnnotations = ordered(podAnnotations);
  }

  /** A reserve with the given limits and nothing else set. */
  public static ReserveSpec of(int containerConcurrency, int servesUpTo) {
    return new ReserveSpec(
        containerConcurrency, servesUpTo, ReserveResources.NONE, null, null, null);
  }

  /** Whether anything is set that only a Kubernetes runtime can apply. */
  public boolean hasKubernetesOnlySettings() {
    return !nodeSelector.isEmpty() || !tolerations.isEmpty() || !podAnnotations.isEmpty();
  }

  private static Map<String, String> ordered(Map<String, String> m) {
    return m == null || m.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
