package dev.pilotlight.controller.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/** A namespaced object's identity: what the work queues hold. */
public record ObjectKey(String namespace, String name) implements Comparable<ObjectKey> {
  public ObjectKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  public static ObjectKey of(HasMetadata object) {
    return new ObjectKey(object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  /** An informer store's key for it: {@code namespace/name}. */
  public String storeKey() {
    return namespace + "/" + name;
  }

  @Override
  public int compareTo(ObjectKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return storeKey();
  }
}
