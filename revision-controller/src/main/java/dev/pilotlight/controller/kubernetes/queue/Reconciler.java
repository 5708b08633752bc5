package dev.pilotlight.controller.kubernetes.queue;

/**
 * Converges one object, named by its key, from what the caches say now. Level-triggered: it never
 * learns which event brought the key; an infrastructure failure is thrown and retried with backoff,
 * a user's mistake is reported in the object's status and the reconcile succeeds.
 */
@FunctionalInterface
public interface Reconciler<K> {
  ReconcileResult reconcile(K key) throws Exception;
}
