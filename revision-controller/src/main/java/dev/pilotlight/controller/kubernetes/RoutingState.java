package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import java.util.Map;
import java.util.Optional;

/**
 * Knative's routing state of a revision, kept on it by the revision reconciler: label {@code
 * serving.knative.dev/routingState} ({@code pending} until a Route's traffic first names it, {@code
 * active} while one does, {@code reserve} after) and annotation {@code
 * serving.knative.dev/routingStateModified} (when it last changed), from which garbage collection
 * tells how long ago a revision was last routed.
 */
final class RoutingState {
  static final String LABEL = KubernetesNames.ROUTING_STATE_LABEL;
  static final String MODIFIED_ANNOTATION = "serving.knative.dev/routingStateModified";
  static final String PENDING = "pending";
  static final String ACTIVE = "active";
  static final String RESERVE = "reserve";

  private RoutingState() {}

  static String of(RevisionResource r) {
    Map<String, String> labels = r.getMetadata().getLabels();
    return labels == null ? null : labels.get(LABEL);
  }

  static Optional<String> modified(RevisionResource r) {
    Map<String, String> a = r.getMetadata().getAnnotations();
    return Optional.ofNullable(a == null ? null : a.get(MODIFIED_ANNOTATION));
  }
}
