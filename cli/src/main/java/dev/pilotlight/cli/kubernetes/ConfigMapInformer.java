package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.function.Consumer;

/** An informer on one ConfigMap by name: its data at every add and update, empty when deleted. */
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

  private static Map<String, String> data(ConfigMap cm) {
    return cm.getData() == null ? Map.of() : cm.getData();
  }
}
