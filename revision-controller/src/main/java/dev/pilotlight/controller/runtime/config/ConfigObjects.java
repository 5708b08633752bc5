package dev.pilotlight.controller.runtime.config;

import dev.pilotlight.api.model.ConfigObject;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the runtime reads of ConfigMaps and Secrets: one object by kind, namespace and name, and the
 * keys of those that changed. Local mode's is {@link LocalConfigObjects}; one backed by the
 * embedded object store (its ConfigMaps and Secrets, its watch events) fits the same two methods.
 */
public interface ConfigObjects {

  /** The object now, or empty when none is declared. */
  Optional<ConfigObject> get(ConfigObject.Key key);

  /**
   * Registers {@code listener}, called (off the caller's thread or not, never under a lock of the
   * holder's) with the keys of objects added, changed or removed. It must not block.
   */
  void onChange(Consumer<Set<ConfigObject.Key>> listener);

  /** Holds nothing, ever. */
  ConfigObjects NONE =
      new ConfigObjects() {
        @Override
        public Optional<ConfigObject> get(ConfigObject.Key key) {
          return Optional.empty();
        }

        @Override
        public void onChange(Consumer<Set<ConfigObject.Key>> listener) {}
      };
}
