package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Receives an {@link ObjectStore}'s watch events for one kind, in the order of the changes, each
 * object a copy of its own. A handler must not block: it runs on the store's event thread.
 */
public interface StoreHandler<T extends HasMetadata> {
  void onAdd(T object);

  void onUpdate(T before, T after);

  void onDelete(T object);
}
