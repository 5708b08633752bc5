package dev.pilotlight.controller.kubernetes.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;
import java.util.Objects;

/**
 * Controller owner references: every object the controller writes names its owner with {@code
 * controller: true}, so Kubernetes' garbage collector deletes it with the owner, and the controller
 * never adopts an object someone else made.
 */
public final class Ownership {
  private Ownership() {}

  public static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Whether {@code owner} is {@code child}'s controller (same uid). */
  public static boolean isControlledBy(HasMetadata child, HasMetadata owner) {
    List<OwnerReference> refs = child.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    String uid = owner.getMetadata().getUid();
    return refs.stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && Objects.equals(r.getUid(), uid));
  }

  /** A message for a child that exists but belongs to someone else. */
  public static String notOwnedMessage(HasMetadata child, HasMetadata owner) {
    return "there is an existing "
        + child.getKind()
        + " \""
        + child.getMetadata().getName()
        + "\" that we do not own (expected: owned by "
        + owner.getKind()
        + " \""
        + owner.getMetadata().getName()
        + "\"; delete or rename it)";
  }
}
