package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.validation.ValidationException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's watch of ConfigMaps {@code config-autoscaler} and {@code config-deployment} in
 * the system namespace: a change that validates is applied while the component runs (logged, and
 * handed to the component); an invalid one is refused, logged once as a warning naming the
 * ConfigMap and every problem, and the last good config stays in force. A deleted ConfigMap means
 * Knative's defaults, as an absent one does at startup.
 */
final class AutoscalerConfigWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AutoscalerConfigWatch.class);

  private final KubernetesClient client;
  private final String namespace;
  private final LiveAutoscalerConfig live;
  private final Consumer<AutoscalerConfig> onApplied;
  private final List<SharedIndexInformer<ConfigMap>> informers = new ArrayList<>();

  private AutoscalerConfigWatch(
      KubernetesClient client,
      String namespace,
      LiveAutoscalerConfig live,
      Consumer<AutoscalerConfig> onApplied) {
    this.client = client;
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
  static LiveAutoscalerConfig read(KubernetesClient client, String namespace) {
    return read(client, namespace, UnaryOperator.identity());
  }

  static LiveAutoscalerConfig read(
      KubernetesClient client, String namespace, UnaryOperator<AutoscalerConfig> overrides) {
    AutoscalerConfig config =
        ConfigMapInformer.named(
            LiveAutoscalerConfig.AUTOSCALER,
            () ->
                ComponentRun.configMap(client, namespace, LiveAutoscalerConfig.AUTOSCALER)
                    .map(AutoscalerConfigs::fromData)
                    .orElse(AutoscalerConfig.DEFAULTS));
    Duration deadline =
        ConfigMapInformer.named(
            LiveAutoscalerConfig.DEPLOYMENT,
            () ->
                ComponentRun.configMap(client, namespace, LiveAutoscalerConfig.DEPLOYMENT)
                    .map(DeploymentConfigs::progressDeadline)
                    .orElse(DeploymentConfigs.PROGRESS_DEADLINE_DEFAULT));
    return new LiveAutoscalerConfig(config, deadline, overrides);
  }

  /** Starts watching both ConfigMaps; {@code onApplied} gets each new config in force. */
  static AutoscalerConfigWatch start(
      KubernetesClient client,
      String namespace,
      LiveAutoscalerConfig live,
      Consumer<AutoscalerConfig> onApplied) {
    AutoscalerConfigWatch watch = new AutoscalerConfigWatch(client, namespace, live, onApplied);
    watch.watch(LiveAutoscalerConfig.AUTOSCALER);
    watch.watch(LiveAutoscalerConfig.DEPLOYMENT);
    return watch;
  }

  private void watch(String name) {
    informers.add(ConfigMapInformer.inform(client, namespace, name, data -> offer(name, data)));
  }

  private void offer(String name, Map<String, String> data) {
    Map<String, String> d = data == null ? Map.of() : data;
    String source = "ConfigMap " + name + " in " + namespace;
    LiveAutoscalerConfig.Offer offer =
        LiveAutoscalerConfig.AUTOSCALER.equals(name)
            ? live.autoscaler(source, () -> AutoscalerConfigs.fromData(d))
            : live.deployment(source, () -> DeploymentConfigs.progressDeadline(d));
    ConfigMapInformer.report(
        LOG, source, offer.refusal(), offer.applied(), offer.config(), onApplied);
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
