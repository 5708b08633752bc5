package dev.pilotlight.api.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A watched, cached view of one kind of object (say, the Revisions of a namespace), as a shell
 * needs it: reads of the current state, secondary indexes, and change handlers. On a cluster it is
 * an informer ({@link InformerSource}); in local mode the object store; shells written against it
 * run the same in both modes.
 *
 * <p>Indexes are added before {@link #start}, handlers usually too. Reads are level-triggered: they
 * answer the latest state the source has, which may already be ahead of the events delivered so
 * far, so a handler should note what changed and read again rather than trust the object it was
 * given to be current. Objects returned (by reads and to handlers) are not to be modified by
 * callers: a source may hand out its cached instances.
 *
 * @param <T> the kind, a fabric8 model class
 */
public interface ObjectSource<T extends HasMetadata> extends AutoCloseable {
  /**
   * Starts watching (once; later calls return the same future); completes once the initial list is
   * in (reads answer it), fails when the source cannot list (say, the kind is not installed or the
   * list is forbidden). Handlers get every object present as an add, then the changes.
   */
  CompletableFuture<Void> start();

  /** Whether the initial list is in. */
  boolean synced();

  /** Every object of the source, in no particular order. */
  List<T> list();

  /** The object {@code namespace/name}, or null when the source has none. */
  T get(String namespace, String name);

  /**
   * Adds the index {@code name} (before {@link #start}): {@code keys} maps an object to the keys it
   * is found under by {@link #byIndex}. It must be a pure, fast function of the object.
   *
   * @throws IllegalStateException once started
   */
  void addIndex(String name, Function<T, List<String>> keys);

  /**
   * The objects {@code name} maps to {@code key}.
   *
   * @throws IllegalArgumentException when no index {@code name} was added
   */
  List<T> byIndex(String name, String key);

  /** Adds a change handler (before {@link #start}, or after: then it first gets every object). */
  void addHandler(ObjectHandler<T> handler);

  /** Stops watching: no handler is called afterwards. Reads may still answer the last state. */
  @Override
  void close();
}
