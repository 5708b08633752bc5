package dev.pilotlight.controller.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.function.Consumer;

/**
 * Where the controller learns that objects changed: informers on a cluster ({@link Caches}), the
 * embedded object store's watch in local mode. The controller's handlers only map an object to the
 * keys it affects and enqueue them, so they need no more than the object.
 */
public interface ClusterEvents {

  /**
   * Calls {@code handler} for every add of a {@code type} object (the existing ones included), with
   * both the old and the new object of every update, and for every delete. Calls come in the order
   * of the changes, off the writer's thread; a handler must not block.
   */
  <T extends HasMetadata> void onChange(Class<T> type, Consumer<T> handler);
}
