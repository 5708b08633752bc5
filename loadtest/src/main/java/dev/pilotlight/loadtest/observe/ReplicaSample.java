package dev.pilotlight.loadtest.observe;

/**
 * Replica counts at {@code t} seconds into a run.
 *
 * @param t seconds since the run started
 */
public record ReplicaSample(double t, int desired, int ready, int reserve) {
  public static ReplicaSample at(double t, Replicas r) {
    return new ReplicaSample(t, r.desired(), r.ready(), r.reserve());
  }

  /** No standard instance wanted or ready. */
  public boolean atZero() {
    return desired == 0 && ready == 0;
  }
}
