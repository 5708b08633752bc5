package dev.pilotlight.activator.throttle;

/**
 * How several gateway replicas share each instance's {@code containerConcurrency}, so the requests
 * they send it never exceed the limit in total, without talking to each other: every replica knows
 * the replica count and its own index (from the gateway Service's endpoints, sorted) and the
 * revision's instances (sorted by id), and computes the same table.
 *
 * <p>Each replica gets {@code limit / replicas} slots of every instance; the remainder, {@code
 * limit mod replicas} slots, goes to the replicas whose index is within the remainder after a
 * rotation by the instance's index, so the extra slots of different instances fall on different
 * replicas. Over all replicas an instance's shares sum to its limit exactly, and one replica's
 * shares of the revision differ from another's by at most one slot per instance. With fewer slots
 * in all than replicas, some replicas have none: their requests are held, counted in the
 * concurrency they report, and the autoscaler adds instances (Knative's activators instead may each
 * send to one pod, relying on the pod's queue-proxy to queue the excess; there is no queue-proxy
 * here).
 *
 * <p>Knative's subsetting gives each activator whole pods; sharing every instance instead keeps
 * each replica's capacity even for small revisions and needs no reassignment when instances come
 * and go.
 */
public final class CapacityShare {
  private CapacityShare() {}

  /**
   * The slots of instance {@code instanceIndex} that replica {@code replicaIndex} of {@code
   * replicas} may use.
   *
   * @param limit the instance's limit, 0 for none (then 0: no limit for any replica)
   */
  public static int of(int limit, int instanceIndex, int replicaIndex, int replicas) {
    if (limit <= 0) {
      return 0;
    }
    if (replicas <= 1) {
      return limit;
    }
    int base = limit / replicas;
    int remainder = limit % replicas;
    int rotated = Math.floorMod(replicaIndex - instanceIndex, replicas);
    return base + (rotated < remainder ? 1 : 0);
  }
}
