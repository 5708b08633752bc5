package dev.pilotlight.api.objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * An {@link ObjectSource} over a fabric8 informer: Kubernetes mode's source. It takes the informer
 * not yet running (from {@code runnableInformer}, with its namespace, label selector and resync
 * period as the caller wants them) and owns it from then on: {@link #start} starts it, {@link
 * #close} stops it. Reads answer the informer's cache, whose objects are shared: never change them.
 *
 * <p>A delete the informer missed (the watch broke and the relist no longer has the object,
 * Kubernetes' "delete final state unknown") reaches the handlers as a delete of the last state the
 * cache had.
 */
public final class InformerSource<T extends HasMetadata> implements ObjectSource<T> {
  private final SharedIndexInformer<T> informer;
  private CompletableFuture<Void> started;

  /**
   * @param informer a runnable informer, not started
   */
  public InformerSource(SharedIndexInformer<T> informer) {
    this.informer = Objects.requireNonNull(informer, "informer");
  }

  @Override
  public synchronized CompletableFuture<Void> start() {
    if (started == null) {
      started = informer.start().toCompletableFuture();
    }
    return started;
  }

  @Override
  public boolean synced() {
    return informer.hasSynced();
  }

  @Override
  public List<T> list() {
    return informer.getStore().list();
  }

  @Override
  public T get(String namespace, String name) {
    return informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
  }

  @Override
  public synchronized void addIndex(String name, Function<T, List<String>> keys) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keys, "keys");
    if (started != null) {
      throw new IllegalStateException("index " + name + ": the source has started");
    }
    informer.addIndexers(Map.of(name, keys));
  }

  @Override
  public List<T> byIndex(String name, String key) {
    return informer.getIndexer().byIndex(name, key);
  }

  @Override
  public void addHandler(ObjectHandler<T> handler) {
    informer.addEventHandler(adapter(handler));
  }

  /** The informer's handler calling {@code handler}. */
  static <T extends HasMetadata> ResourceEventHandler<T> adapter(ObjectHandler<? super T> handler) {
    Objects.requireNonNull(handler, "handler");
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        handler.onAdd(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        handler.onUpdate(oldObj, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        // fabric8 unwraps the final-state-unknown marker: obj is the last state the cache had
        if (obj != null) {
          handler.onDelete(obj);
        }
      }
    };
  }

  @Override
  public void close() {
    informer.close();
  }
}
