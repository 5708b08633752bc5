package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
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
 */
public record StoreOptions(
    Path stateDir,
    int maxObjects,
    int maxObjectBytes,
    Clock clock,
    Supplier<String> uids,
    Executor events,
    List<Class<? extends HasMetadata>> kinds) {

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
  }

  /** A store in memory only, holding {@link ObjectStore#SERVING_KINDS}, with the defaults. */
  public static StoreOptions inMemory() {
    return new StoreOptions(
        null,
        DEFAULT_MAX_OBJECTS,
        DEFAULT_MAX_OBJECT_BYTES,
        Clock.systemUTC(),
        () -> UUID.randomUUID().toString(),
        null,
        ObjectStore.SERVING_KINDS);
  }

  /** A store kept in {@code stateDir}, with the defaults. */
  public static StoreOptions persistent(Path stateDir) {
    return inMemory().withStateDir(Objects.requireNonNull(stateDir, "stateDir"));
  }

  public StoreOptions withStateDir(Path dir) {
    return new StoreOptions(dir, maxObjects, maxObjectBytes, clock, uids, events, kinds);
  }

  public StoreOptions withMaxObjects(int max) {
    return new StoreOptions(stateDir, max, maxObjectBytes, clock, uids, events, kinds);
  }

  public StoreOptions withMaxObjectBytes(int max) {
    return new StoreOptions(stateDir, maxObjects, max, clock, uids, events, kinds);
  }

  public StoreOptions withClock(Clock c) {
    return new StoreOptions(stateDir, maxObjects, maxObjectBytes, c, uids, events, kinds);
  }

  public StoreOptions withUids(Supplier<String> u) {
    return new StoreOptions(stateDir, maxObjects, maxObjectBytes, clock, u, events, kinds);
  }

  /** Watch events delivered by {@code executor} (one task per burst, run to completion). */
  public StoreOptions withEvents(Executor executor) {
    return new StoreOptions(stateDir, maxObjects, maxObjectBytes, clock, uids, executor, kinds);
  }
}
