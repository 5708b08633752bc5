package dev.pilotlight.controller.runtime.capacity;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One node's capacity and the instances admitted to it, as kube-scheduler and the kubelet keep it
 * for a node: an instance is admitted only when its requests fit in what is free (allocatable less
 * the requests of the instances admitted), and holds its requests until it is {@linkplain #release
 * released} (the runtime releases it once its process has exited, as the kubelet frees a pod's
 * requests only when it has terminated). An instance that does not fit stays pending, with {@link
 * #unschedulable} saying why in Kubernetes' words, until capacity frees.
 *
 * <p>Order: pending instances are tried on each {@link #admit} first the {@code first} ones (the
 * pilot light's reserve instances, as a higher priority class would be), then the rest, each in the
 * order they were requested. As with kube-scheduler, one that does not fit does not block a smaller
 * one behind it; instances of equal requests are therefore admitted strictly first come, first
 * served.
 *
 * <p>Pure and not thread-safe: the caller holds its own lock; no clock, no processes.
 *
 * @param <K> what identifies an instance (compared with {@code equals})
 */
public final class NodeCapacity<K> {
  private final Resources allocatable;
  private final Map<K, Resources> admitted = new LinkedHashMap<>();
  private final Map<K, Resources> pendingFirst = new LinkedHashMap<>();
  private final Map<K, Resources> pending = new LinkedHashMap<>();
  private Resources allocated = Resources.ZERO;

  public NodeCapacity(Resources allocatable) {
    this.allocatable = Objects.requireNonNull(allocatable);
  }

  public Resources allocatable() {
    return allocatable;
  }

  /** The requests of the instances admitted. */
  public Resources allocated() {
    return allocated;
  }

  public Resources free() {
    return allocatable.minus(allocated);
  }

  /**
   * Queues an instance, pending until an {@link #admit} finds room for it.
   *
   * @param first admitted before every instance not {@code first} (the pilot light's reserve)
   * @throws IllegalStateException when the instance is pending or admitted already
   */
  public void request(K instance, Resources requests, boolean first) {
    Objects.requireNonNull(requests);
    if (known(instance)) {
      throw new IllegalStateException(instance + " requested twice");
    }
    (first ? pendingFirst : pending).put(instance, requests);
  }

  /**
   * Forgets an instance: a pending one leaves the queue, an admitted one frees its requests.
   * Returns whether it was admitted (its requests freed; admit again to use them).
   */
  public boolean release(K instance) {
    pendingFirst.remove(instance);
    pending.remove(instance);
    Resources held = admitted.remove(instance);
    if (held == null) {
      return false;
    }
    allocated = allocated.minus(held);
    return true;
  }

  /** Admits the pending instances that fit, in order; returns those admitted now, in order. */
  public List<K> admit() {
    List<K> now = new ArrayList<>();
    for (Map<K, Resources> queue : List.of(pendingFirst, pending)) {
      Iterator<Map.Entry<K, Resources>> it = queue.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<K, Resources> e = it.next();
        if (e.getValue().fitsIn(free())) {
          it.remove();
          admitted.put(e.getKey(), e.getValue());
          allocated = allocated.plus(e.getValue());
          now.add(e.getKey());
        }
      }
    }
    return now;
  }

  public boolean admitted(K instance) {
    return admitted.containsKey(instance);
  }

  public boolean pending(K instance) {
    return pendingFirst.containsKey(instance) || pending.containsKey(instance);
  }

  /** How many instances are pending. */
  public int pendingCount() {
    return pendingFirst.size() + pending.size();
  }

  /**
   * Why a pending instance does not fit now, as Kubernetes says it of a pod (one node): {@code 0/1
   * nodes are available: insufficient cpu (requests 500m, free 0m of 2000m)}, each resource short
   * named; null when the instance is not pending or would fit (admit it).
   */
  public String unschedulable(K instance) {
    Resources requests = pendingFirst.get(instance);
    if (requests == null) {
      requests = pending.get(instance);
    }
    if (requests == null) {
      return null;
    }
    Resources free = free();
    List<String> short_ = new ArrayList<>(2);
    if (requests.cpuMillicores() > free.cpuMillicores()) {
      short_.add(
          "insufficient cpu (requests "
              + requests.cpu()
              + ", free "
              + free.cpu()
              + " of "
              + allocatable.cpu()
              + ")");
    }
    if (requests.memoryBytes() > free.memoryBytes()) {
      short_.add(
          "insufficient memory (requests "
              + requests.memory()
              + ", free "
              + free.memory()
              + " of "
              + allocatable.memory()
              + ")");
    }
    return short_.isEmpty() ? null : "0/1 nodes are available: " + String.join(", ", short_);
  }

  private boolean known(K instance) {
    return admitted.containsKey(instance) || pending(instance);
  }
}
