package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * An informer on one ConfigMap by name: its data at every add and update, empty when deleted; and
 * what the config watches built on it share: naming the ConfigMap in a refusal, and logging an
 * offered change as applied or refused.
 */
final class ConfigMapInformer {
  private ConfigMapInformer() {}

  /**
   * @param onData the ConfigMap's {@code data} (empty when it has none or was deleted: Knative's
   *     defaults)
   */
  static SharedIndexInformer<ConfigMap> inform(
      KubernetesClient client,
      String namespace,
      String name,
      Consumer<Map<String, String>> onData) {
    return client
        .configMaps()
        .inNamespace(namespace)
        .withName(name)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(ConfigMap cm) {
                onData.accept(data(cm));
              }

              @Override
              public void onUpdate(ConfigMap before, ConfigMap cm) {
                onData.accept(data(cm));
              }

              @Override
              public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                onData.accept(Map.of());
              }
            });
  }

  /** Runs {@code read}, naming the ConfigMap in each problem it finds. */
  static <T> T named(String configMap, Supplier<T> read) {
    try {
      return read.get();
    } catch (ValidationException e) {
      throw new ValidationException(
          e.violations().stream()
              .map(v -> new Violation("ConfigMap " + configMap + ": " + v.field(), v.message()))
              .toList());
    }
  }

  /**
   * Logs how a change of {@code source} went: refused (a warning with every problem; the last good
   * config stays), or applied (and handed to {@code onApplied}); nothing when it changed nothing.
   */
  static <C> void report(
      Logger log, String source, String refusal, boolean applied, C config, Consumer<C> onApplied) {
    if (refusal != null) {
      log.warn(
          "{} refused, the last good config stays in force:\n{}",
          source,
          refusal.indent(2).stripTrailing());
    } else if (applied) {
      log.info("{} changed: applied", source);
      onApplied.accept(config);
    }
  }

  private static Map<String, String> data(ConfigMap cm) {
    return cm.getData() == null ? Map.of() : cm.getData();
  }
}
