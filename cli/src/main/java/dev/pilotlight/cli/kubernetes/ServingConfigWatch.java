package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.LiveServingConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.validation.ValidationException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's watch of ConfigMaps {@code config-features} and {@code config-defaults} in the
 * system namespace, as {@link AutoscalerConfigWatch} watches the autoscaling ones: a change that
 * validates is applied while the component runs (logged, and handed to the component); an invalid
 * one is refused, logged once as a warning naming the ConfigMap and every problem, and the last
 * good config stays in force. A deleted ConfigMap means Knative's defaults, as an absent one does
 * at startup.
 */
final class ServingConfigWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingConfigWatch.class);

  private final String namespace;
  private final LiveServingConfig live;
  private final Consumer<ServingConfig> onApplied;
  private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();

  private ServingConfigWatch(
      String namespace, LiveServingConfig live, Consumer<ServingConfig> onApplied) {
    this.namespace = namespace;
    this.live = live;
    this.onApplied = onApplied;
  }

  /**
   * Reads both ConfigMaps as they are now (absent: Knative's defaults). At startup an invalid one
   * is an error: the component does not start on a config it cannot honour.
   *
   * @throws ValidationException naming the ConfigMap's problems
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when it cannot be read
   */
  static LiveServingConfig read(KubernetesClient client, String namespace) {
    Features features =
        ConfigMapInformer.named(
            LiveServingConfig.FEATURES,
            () ->
                ComponentRun.configMap(client, namespace, LiveServingConfig.FEATURES)
                    .map(Features::fromData)
                    .orElse(Features.DEFAULTS));
    ServingDefaults defaults =
        ConfigMapInformer.named(
            LiveServingConfig.DEFAULTS,
            () ->
                ComponentRun.configMap(client, namespace, LiveServingConfig.DEFAULTS)
                    .map(ServingDefaults::fromData)
                    .orElse(ServingDefaults.DEFAULTS));
    return new LiveServingConfig(new ServingConfig(features, defaults));
  }

  /** Starts watching both ConfigMaps; {@code onApplied} gets each new config in force. */
  static ServingConfigWatch start(
      KubernetesClient client,
      String namespace,
      LiveServingConfig live,
      Consumer<ServingConfig> onApplied) {
    ServingConfigWatch watch = new ServingConfigWatch(namespace, live, onApplied);
    for (String name : List.of(LiveServingConfig.FEATURES, LiveServingConfig.DEFAULTS)) {
      watch.informers.add(
          ConfigMapInformer.inform(client, namespace, name, data -> watch.offer(name, data)));
    }
    return watch;
  }

  private void offer(String name, Map<String, String> data) {
    String source = "ConfigMap " + name + " in " + namespace;
    LiveServingConfig.Offer offer =
        LiveServingConfig.FEATURES.equals(name)
            ? live.features(source, () -> Features.fromData(data))
            : live.defaults(source, () -> ServingDefaults.fromData(data));
    ConfigMapInformer.report(
        LOG, source, offer.refusal(), offer.applied(), offer.config(), onApplied);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
