package dev.pilotlight.controller.runtime.config;

import dev.pilotlight.api.model.ConfigObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Local mode's ConfigMaps and Secrets, as the manifest files declare them: each file (a source)
 * replaces what it declared before, and a file removed takes its objects with it. An object
 * declared in two files is the one applied last. Thread-safe; bounded in count ({@link
 * #MAX_OBJECTS}) and bytes ({@link #MAX_BYTES}): a source that would pass either bound is refused
 * whole and its objects stay as they were. An {@code immutable} object's data cannot change (as
 * Kubernetes refuses the update); the source that tries is refused.
 */
public final class LocalConfigObjects implements ConfigObjects {
  public static final int MAX_OBJECTS = 1024;
  public static final long MAX_BYTES = 64L * 1024 * 1024;

  private final Object lock = new Object();
  private final Map<String, List<ConfigObject>> bySource = new LinkedHashMap<>();
  private final Map<ConfigObject.Key, ConfigObject> current = new HashMap<>();
  private final List<Consumer<Set<ConfigObject.Key>>> listeners = new CopyOnWriteArrayList<>();

  /**
   * Replaces what {@code source} declares; returns the refusal, or empty when applied. Listeners
   * hear of the keys that changed, after the change.
   */
  public Optional<String> apply(String source, List<ConfigObject> objects) {
    Set<ConfigObject.Key> changed;
    synchronized (lock) {
      Map<String, List<ConfigObject>> next = new LinkedHashMap<>(bySource);
      next.remove(source);
      if (!objects.isEmpty()) {
        next.put(source, List.copyOf(objects));
      }
      Map<ConfigObject.Key, ConfigObject> merged = merge(next);
      long bytes = merged.values().stream().mapToLong(ConfigObject::size).sum();
      if (merged.size() > MAX_OBJECTS) {
        return Optional.of(
            source
                + ": "
                + merged.size()
                + " ConfigMaps and Secrets in all (expected: at most "
                + MAX_OBJECTS
                + ")");
      }
      if (bytes > MAX_BYTES) {
        return Optional.of(
            source
                + ": "
                + bytes
                + " bytes of ConfigMaps and Secrets in all (expected: at most "
                + MAX_BYTES
                + ")");
      }
      for (ConfigObject o : objects) {
        ConfigObject was = current.get(o.key());
        if (was != null && was.immutable() && !was.equals(o)) {
          return Optional.of(
              source
                  + ": "
                  + o.describe()
                  + " is immutable (expected: unchanged; delete it and declare it anew, as on"
                  + " Kubernetes)");
        }
      }
      changed = new LinkedHashSet<>();
      for (ConfigObject.Key k : union(current.keySet(), merged.keySet())) {
        if (!java.util.Objects.equals(current.get(k), merged.get(k))) {
          changed.add(k);
        }
      }
      bySource.clear();
      bySource.putAll(next);
      current.clear();
      current.putAll(merged);
    }
    notify(changed);
    return Optional.empty();
  }

  /** Removes what {@code source} declared. */
  public void removeSource(String source) {
    apply(source, List.of());
  }

  @Override
  public Optional<ConfigObject> get(ConfigObject.Key key) {
    synchronized (lock) {
      return Optional.ofNullable(current.get(key));
    }
  }

  /** How many objects are held. */
  public int size() {
    synchronized (lock) {
      return current.size();
    }
  }

  @Override
  public void onChange(Consumer<Set<ConfigObject.Key>> listener) {
    listeners.add(listener);
  }

  private void notify(Set<ConfigObject.Key> changed) {
    if (changed.isEmpty()) {
      return;
    }
    Set<ConfigObject.Key> view = Set.copyOf(changed);
    for (Consumer<Set<ConfigObject.Key>> l : listeners) {
      try {
        l.accept(view);
      } catch (RuntimeException e) {
        // the listener's problem; the objects are applied
      }
    }
  }

  private static Map<ConfigObject.Key, ConfigObject> merge(
      Map<String, List<ConfigObject>> sources) {
    Map<ConfigObject.Key, ConfigObject> out = new HashMap<>();
    for (List<ConfigObject> objects : sources.values()) {
      for (ConfigObject o : objects) {
        out.put(o.key(), o);
      }
    }
    return out;
  }

  private static Set<ConfigObject.Key> union(Set<ConfigObject.Key> a, Set<ConfigObject.Key> b) {
    Set<ConfigObject.Key> out = new LinkedHashSet<>(a);
    out.addAll(b);
    return out;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "LocalConfigObjects" + new ArrayList<>(current.keySet());
    }
  }
}
