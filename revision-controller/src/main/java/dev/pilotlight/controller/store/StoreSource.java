package dev.pilotlight.controller.store;

import dev.pilotlight.api.objects.ObjectHandler;
import dev.pilotlight.api.objects.ObjectSource;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectSource} over one kind of an {@link ObjectStore}: local mode's informer, so the
 * shells that read a cluster through informers read the store through the same interface. Like an
 * informer it may select by namespace and label selector; an object that enters the selection (say,
 * gains the label) reaches the handlers as an add, one that leaves it as a delete.
 *
 * <p>Reads go to the store (each object returned is a copy of its own), so they answer the latest
 * state, possibly ahead of the events delivered; the initial list is in as soon as the source
 * starts. Each handler is a watch of the store's (see {@link ObjectStore#watch}): it first gets
 * every selected object as an add, then the changes in order, on the store's event thread.
 *
 * <p>The indexes are the store's, under names of this source's own ({@code
 * pilotlight.dev/source-<n>/<name>}); the store keeps them after {@link #close} (it cannot drop an
 * index), which costs an index update per write of the kind: make sources once per store.
 */
public final class StoreSource<T extends HasMetadata> implements ObjectSource<T> {
  private static final Logger LOG = LoggerFactory.getLogger(StoreSource.class);
  private static final AtomicLong SOURCES = new AtomicLong();

  private final ObjectStore store;
  private final Class<T> type;
  private final String namespace;
  private final Map<String, String> matchLabels;
  private final Predicate<Map<String, String>> selects;
  private final String indexPrefix = "pilotlight.dev/source-" + SOURCES.incrementAndGet() + "/";
  private final Map<String, String> indexes = new ConcurrentHashMap<>();
  private final List<ObjectHandler<T>> handlers = new ArrayList<>();
  private final List<AutoCloseable> watches = new ArrayList<>();
  private CompletableFuture<Void> started;
  private boolean closed;

  /** Every object of {@code type} in the store. */
  public StoreSource(ObjectStore store, Class<T> type) {
    this(store, type, null, null);
  }

  /**
   * @param namespace the one namespace selected, or null for all
   * @param selector the labels selected (see {@link LabelSelectors}), or null for all
   * @throws IllegalArgumentException naming the field when the selector breaks a rule
   */
  public StoreSource(ObjectStore store, Class<T> type, String namespace, LabelSelector selector) {
    this.store = Objects.requireNonNull(store, "store");
    this.type = Objects.requireNonNull(type, "type");
    this.namespace = namespace;
    this.selects = LabelSelectors.matcher(selector);
    this.matchLabels =
        selector == null || selector.getMatchLabels() == null
            ? Map.of()
            : Map.copyOf(selector.getMatchLabels());
    // fails now, not at the first read, when the store does not keep the kind
    store.list(type, "", Map.of());
  }

  /** Whether the object is in this source's selection. */
  private boolean selected(T o) {
    return o != null
        && (namespace == null || namespace.equals(o.getMetadata().getNamespace()))
        && selects.test(o.getMetadata().getLabels());
  }

  @Override
  public synchronized CompletableFuture<Void> start() {
    if (started == null) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("source closed"));
      }
      started = CompletableFuture.completedFuture(null);
      handlers.forEach(this::watch);
    }
    return started;
  }

  @Override
  public synchronized boolean synced() {
    return started != null;
  }

  @Override
  public List<T> list() {
    return store.list(type, namespace, matchLabels).stream().filter(this::selected).toList();
  }

  @Override
  public T get(String namespace, String name) {
    if (namespace == null || name == null) {
      return null;
    }
    T o = store.get(type, new ObjectKey(namespace, name));
    return selected(o) ? o : null;
  }

  @Override
  public synchronized void addIndex(String name, Function<T, List<String>> keys) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keys, "keys");
    if (started != null) {
      throw new IllegalStateException("index " + name + ": the source has started");
    }
    if (indexes.containsKey(name)) {
      throw new IllegalArgumentException("index " + name + ": added twice");
    }
    String storeIndex = indexPrefix + name;
    store.addIndex(type, storeIndex, o -> selected(o) ? keys.apply(o) : List.of());
    indexes.put(name, storeIndex);
  }

  @Override
  public List<T> byIndex(String name, String key) {
    String storeIndex = indexes.get(name);
    if (storeIndex == null) {
      throw new IllegalArgumentException("no index " + name + " on this source");
    }
    return store.byIndex(type, storeIndex, key).stream().filter(this::selected).toList();
  }

  @Override
  public synchronized void addHandler(ObjectHandler<T> handler) {
    Objects.requireNonNull(handler, "handler");
    if (closed) {
      return;
    }
    handlers.add(handler);
    if (started != null) {
      watch(handler);
    }
  }

  /** A watch of the store calling {@code handler} with this source's selection. Synchronized. */
  private void watch(ObjectHandler<T> handler) {
    watches.add(
        store.watch(
            type,
            new StoreHandler<T>() {
              @Override
              public void onAdd(T object) {
                if (selected(object)) {
                  handler.onAdd(object);
                }
              }

              @Override
              public void onUpdate(T before, T after) {
                boolean was = selected(before);
                boolean is = selected(after);
                if (was && is) {
                  handler.onUpdate(before, after);
                } else if (is) {
                  handler.onAdd(after);
                } else if (was) {
                  handler.onDelete(before);
                }
              }

              @Override
              public void onDelete(T object) {
                if (selected(object)) {
                  handler.onDelete(object);
                }
              }
            }));
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        LOG.debug("cannot cancel a watch of the object store", e);
      }
    }
    watches.clear();
  }
}
