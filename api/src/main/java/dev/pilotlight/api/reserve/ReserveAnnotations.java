package dev.pilotlight.api.reserve;

import java.util.List;

/** Annotation keys of the pilot light, set on a revision template. */
public final class ReserveAnnotations {
  public static final String PREFIX = "pilotlight.dev/reserve-";

  /** {@code "true"} keeps one reserve instance warm while standard instances are at zero. */
  public static final String INSTANCE = PREFIX + "instance";

  /** The reserve's hard concurrency limit; default the revision's containerConcurrency. */
  public static final String CONTAINER_CONCURRENCY = PREFIX + "container-concurrency";

  /** While the observed concurrency stays at or below this, no standard instance starts. */
  public static final String SERVES_UP_TO = PREFIX + "serves-up-to";

  /** {@code cpu=250m,memory=256Mi}: the reserve's requests and limits. */
  public static final String RESOURCES = PREFIX + "resources";

  /** {@code key=value,...}: the reserve pod's node selector (Kubernetes only). */
  public static final String NODE_SELECTOR = PREFIX + "node-selector";

  /** {@code key[=value][:Effect],...}: the reserve pod's tolerations (Kubernetes only). */
  public static final String TOLERATIONS = PREFIX + "tolerations";

  /** A JSON object of strings: annotations of the reserve pod (Kubernetes only). */
  public static final String POD_ANNOTATIONS = PREFIX + "pod-annotations";

  /** Every key, in the order the documentation lists them. */
  public static final List<String> ALL =
      List.of(
          INSTANCE,
          CONTAINER_CONCURRENCY,
          SERVES_UP_TO,
          RESOURCES,
          NODE_SELECTOR,
          TOLERATIONS,
          POD_ANNOTATIONS);

  private ReserveAnnotations() {}
}
