package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * How an {@link ObjectStore} is made.
 *
 * @param stateDir where {@code objects.json} is kept; null for a store in memory only
 * @param maxObjects the most objects held; a create beyond it is refused
 * @param maxObjectBytes the largest object held, as JSON (the API server's limit is 1.5 MiB)
 * @param clock creation timestamps
 * @param uids makes each object's {@code metadata.uid}
 * @param events runs the delivery of watch events; null for a thread of the store's own
 * @param kinds the object types held (each a fabric8 model class with its apiVersion and kind)
 * @param transientKinds kinds held in memory only: never written to the state file nor loaded from
 *     it (observed state that its writer rebuilds after a restart, as a kubelet does its pods); a
 *     write of transient objects alone leaves the file alone. Each one of {@code kinds}.
 */
public record StoreOptions(
    Path stateDir,
    int maxObjects,
    int maxObjectBytes,
    Clock clock,
    Supplier<String> uids,
    Executor events,
    List<Class<? extends HasMetadata>> kinds,
    Set<Class<? extends HasMetadata>> transientKinds) {

  /** 10,000 objects: thousands of revisions with their children, a few hundred MB at most. */
  public static final int DEFAULT_MAX_OBJECTS = 10_000;

  /** 1 MiB of JSON per object. */
  public static final int DEFAULT_MAX_OBJECT_BYTES = 1 << 20;

  public StoreOptions {
    if (maxObjects < 1) {
      throw new IllegalArgumentException("maxObjects: " + maxObjects + " (expected: >= 1)");
    }
    if (maxObjectBytes < 1024) {
      throw new IllegalArgumentException(
          "maxObjectBytes: " + maxObjectBytes + " (expected: >= 1024)");
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(uids, "uids");
    kinds = List.copyOf(kinds);
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("kinds: none (expected: at least one)");
    }
    transientKinds = Set.copyOf(transientKinds);
    for (Class<? extends HasMetadata> t : transientKinds) {
      if (!kinds.contains(t)) {
        throw new IllegalArgumentException(
            "transientKinds: "
                + t.getName()
                + " is not a kind of the store (expected: one of kinds)");
      }
    }
  }

  /**
   * What local mode keeps in memory only: Pods and EndpointSlices, which the node agent writes from
   * its running instances and writes anew after a restart.
   */
  public static final Set<Class<? extends HasMetadata>> LOCAL_TRANSIENT_KINDS =
      Set.of(Pod.class, EndpointSlice.class);

  /**
   * A store in memory only, holding {@link ObjectStore#SERVING_KINDS}, with the defaults ({@link
   * #LOCAL_TRANSIENT_KINDS} transient).
   */
  public static StoreOptions inMemory() {
    return new StoreOptions(
        null,
        DEFAULT_MAX_OBJECTS,
        DEFAULT_MAX_OBJECT_BYTES,
        Clock.systemUTC(),
        () -> UUID.randomUUID().toString(),
        null,
        ObjectStore.SERVING_KINDS,
        LOCAL_TRANSIENT_KINDS);
  }

  /** A store kept in {@code stateDir}, with the defaults. */
  public static StoreOptions persistent(Path stateDir) {
    return inMemory().withStateDir(Objects.requireNonNull(stateDir, "stateDir"));
  }

  public StoreOptions withStateDir(Path dir) {
    return new StoreOptions(
        dir, maxObjects, maxObjectBytes, clock, uids, events, kinds, transientKinds);
  }

  public StoreOptions withMaxObjects(int max) {
    return new StoreOptions(
        stateDir, max, maxObjectBytes, clock, uids, events, kinds, transientKinds);
  }

  public StoreOptions withMaxObjectBytes(int max) {
    return new StoreOptions(stateDir, maxObjects, max, clock, uids, events, kinds, transientKinds);
  }

  public StoreOptions withClock(Clock c) {
    return new StoreOptions(
        stateDir, maxObjects, maxObjectBytes, c, uids, events, kinds, transientKinds);
  }

  public StoreOptions withUids(Supplier<String> u) {
    return new StoreOptions(
        stateDir, maxObjects, maxObjectBytes, clock, u, events, kinds, transientKinds);
  }

  /** Watch events delivered by {@code executor} (one task per burst, run to completion). */
  public StoreOptions withEvents(Executor executor) {
    return new StoreOptions(
        stateDir, maxObjects, maxObjectBytes, clock, uids, executor, kinds, transientKinds);
  }

  /** Kinds held in memory only (see {@link #transientKinds}); none: every kind is persisted. */
  public StoreOptions withTransient(Set<Class<? extends HasMetadata>> transientKinds) {
    return new StoreOptions(
        stateDir, maxObjects, maxObjectBytes, clock, uids, events, kinds, transientKinds);
  }
}
