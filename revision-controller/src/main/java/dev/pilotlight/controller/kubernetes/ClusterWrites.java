package dev.pilotlight.controller.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;

/**
 * Everything the controller writes goes through here: the narrow store the reconcilers act on
 * (reads come from the informer caches). Failures are thrown and retried by the loop.
 */
public interface ClusterWrites {

  /** Creates {@code object}; an object of that name existing already is a conflict (thrown). */
  <T extends HasMetadata> T create(T object);

  /**
   * Replaces {@code object}, guarded by its resourceVersion: a stale copy is a conflict (thrown).
   */
  <T extends HasMetadata> T update(T object);

  /** Replaces the status subresource with {@code status} (the sole writer of that status). */
  <T extends HasMetadata> void replaceStatus(Class<T> type, ObjectKey key, Object status);

  /**
   * Sets some fields of the status subresource, leaving the others (another component's) alone
   * (JSON merge patch: meant for scalars; see {@link #replaceStatusFields} for lists).
   */
  <T extends HasMetadata> void mergeStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields);

  /**
   * Replaces some fields of an existing status subresource, each whole (lists included), leaving
   * the others (another component's) alone; a status that does not exist is an error (thrown).
   */
  <T extends HasMetadata> void replaceStatusFields(
      Class<T> type, ObjectKey key, Map<String, Object> fields);

  /** Merges labels and annotations into an object's metadata (JSON merge patch). */
  <T extends HasMetadata> void patchMetadata(
      Class<T> type, ObjectKey key, Map<String, String> labels, Map<String, String> annotations);

  /** Deletes the object; gone already is fine. */
  <T extends HasMetadata> void delete(Class<T> type, ObjectKey key);
}
