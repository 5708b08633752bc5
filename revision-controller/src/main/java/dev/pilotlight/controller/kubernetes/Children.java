package dev.pilotlight.controller.kubernetes;

import dev.pilotlight.controller.kubernetes.desired.Ownership;
import dev.pilotlight.controller.kubernetes.desired.Semantic;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Converges one owned child: create when missing, refuse one owned by someone else, update when it
 * differs semantically from the desired one, else leave it alone.
 */
final class Children {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** What was found and done. */
  enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED,
    NOT_OWNED
  }

  private Children() {}

  /**
   * @param spec the part of an object the controller owns (its spec)
   * @param setSpec copies the desired spec onto a copy of the existing object
   */
  static <T extends HasMetadata, S> Outcome converge(
      ClusterWrites writes,
      HasMetadata owner,
      T desired,
      T existing,
      Function<T, S> spec,
      SpecSetter<T, S> setSpec) {
    if (existing == null) {
      writes.create(desired);
      return Outcome.CREATED;
    }
    if (!Ownership.isControlledBy(existing, owner)) {
      return Outcome.NOT_OWNED;
    }
    if (matches(desired, existing, spec)) {
      return Outcome.UNCHANGED;
    }
    T copy = JSON.clone(existing);
    Map<String, String> labels = new HashMap<>(orEmpty(copy.getMetadata().getLabels()));
    labels.putAll(orEmpty(desired.getMetadata().getLabels()));
    copy.getMetadata().setLabels(labels);
    Map<String, String> annotations = new HashMap<>(orEmpty(copy.getMetadata().getAnnotations()));
    annotations.putAll(orEmpty(desired.getMetadata().getAnnotations()));
    copy.getMetadata().setAnnotations(annotations);
    copy.getMetadata()
        .setOwnerReferences(new ArrayList<>(desired.getMetadata().getOwnerReferences()));
    setSpec.set(copy, spec.apply(desired));
    writes.update(copy);
    return Outcome.UPDATED;
  }

  static <T extends HasMetadata, S> boolean matches(T desired, T existing, Function<T, S> spec) {
    return Semantic.containsAll(
            desired.getMetadata().getLabels(), existing.getMetadata().getLabels())
        && Semantic.containsAll(
            desired.getMetadata().getAnnotations(), existing.getMetadata().getAnnotations())
        && sameOwners(
            desired.getMetadata().getOwnerReferences(), existing.getMetadata().getOwnerReferences())
        && Semantic.derivative(spec.apply(desired), spec.apply(existing));
  }

  private static boolean sameOwners(List<?> desired, List<?> existing) {
    return existing != null && existing.containsAll(desired == null ? List.of() : desired);
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }

  @FunctionalInterface
  interface SpecSetter<T, S> {
    void set(T object, S spec);
  }
}
