package dev.pilotlight.api.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Receives an {@link ObjectSource}'s changes of one kind, in the order they were seen: what an
 * informer's event handler receives, without its bookkeeping. A handler must not block: it runs on
 * the source's delivery thread, which every other handler of the source waits for. The objects
 * given are the source's: read them, never change them.
 */
public interface ObjectHandler<T extends HasMetadata> {
  /** An object appeared (or was there when the source started, or entered its selection). */
  void onAdd(T object);

  /** An object changed; {@code before} is the last state this handler was given. */
  void onUpdate(T before, T after);

  /**
   * An object went away (or left the source's selection); {@code object} is its last state known,
   * which may be older than the deletion when the source missed the delete itself.
   */
  void onDelete(T object);
}
