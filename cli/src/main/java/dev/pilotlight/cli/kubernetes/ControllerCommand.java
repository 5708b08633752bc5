package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.config.LiveServingConfig;
import dev.pilotlight.api.config.ServingConfig;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.cli.logging.LoggingOptions;
import dev.pilotlight.controller.kubernetes.ControllerSettings;
import dev.pilotlight.controller.kubernetes.KubernetesController;
import dev.pilotlight.controller.kubernetes.gc.GcConfig;
import dev.pilotlight.controller.kubernetes.tls.CertificateRequests;
import dev.pilotlight.controller.kubernetes.tls.ExternalDomainTls;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight controller}: the revision controller on Kubernetes. Every replica keeps warm
 * informer caches; the one holding Lease {@code pilotlight-controller} in {@code $POD_NAMESPACE}
 * reconciles. SIGTERM stops the reconcilers, releases the Lease and stops the informers; a lost
 * Lease ends the process with exit code 1.
 */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description =
        "Run the revision controller on Kubernetes: Services, Configurations, Revisions and Routes"
            + " into Deployments, headless Services and PodAutoscalers (leader-elected).")
public final class ControllerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerCommand.class);

  @Mixin KubernetesOptions kubernetes;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--domain",
      paramLabel = "D",
      description =
          "Domain of route hosts (default: key domain of ConfigMap config-network in"
              + " $POD_NAMESPACE, else example.com).")
  String domain;

  @Option(
      names = "--health-port",
      defaultValue = "8090",
      description = "Port of /healthz, /readyz and /metrics (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Spec CommandSpec spec;

  /** The environment (POD_NAMESPACE, POD_NAME); replaced by tests. */
  Function<String, String> env = System::getenv;

  final ComponentRun run = new ComponentRun(Duration.ofSeconds(20));

  @Override
  public Integer call() throws Exception {
    logging.apply("controller");
    try {
      return serve(logging.errors());
    } finally {
      run.stopped();
    }
  }

  private int serve(PrintWriter err) throws Exception {
    String podNamespace = NetworkConfig.systemNamespace(env);
    try (KubernetesClient client = kubernetes.client()) {
      ControllerSettings settings;
      LiveAutoscalerConfig live;
      LiveServingConfig serving;
      try {
        live = AutoscalerConfigWatch.read(client, podNamespace);
        serving = ServingConfigWatch.read(client, podNamespace);
        settings = settings(client, podNamespace, live.current(), serving.current());
      } catch (ValidationException e) {
        err.println("invalid configuration in namespace " + podNamespace + ":\n" + e.getMessage());
        return 1;
      } catch (KubernetesClientException e) {
        err.println(
            "cannot read the configuration in namespace " + podNamespace + ": " + e.getMessage());
        return 1;
      }
      ExternalDomainTls tls;
      try {
        tls =
            ExternalDomainTls.of(
                NetworkConfig.data(client, podNamespace),
                ComponentRun.configMap(
                        client, podNamespace, ExternalDomainTls.CERTMANAGER_CONFIG_MAP)
                    .orElse(Map.of()));
      } catch (IllegalArgumentException e) {
        err.println("invalid configuration in namespace " + podNamespace + ": " + e.getMessage());
        return 1;
      }
      CertificateRequests certificates =
          tls.enabled()
              ? new CertificateRequests(client, tls.issuer(), kubernetes.namespace())
              : null;
      if (certificates != null) {
        LOG.info(
            "external-domain TLS: Routes get cert-manager Certificates from {} {}",
            tls.issuer().kind(),
            tls.issuer().name());
      }
      LOG.info(
          "serving {}, route domain {}",
          kubernetes.namespace() == null ? "all namespaces" : "namespace " + kubernetes.namespace(),
          settings.domain());
      try (KubernetesController controller =
              new KubernetesController(
                  client, kubernetes.namespace(), settings, Clock.systemUTC(), Ticker.system());
          AutoscalerConfigWatch watch =
              AutoscalerConfigWatch.start(
                  client, podNamespace, live, config -> controller.reconfigure(config));
          ServingConfigWatch servingWatch =
              ServingConfigWatch.start(
                  client, podNamespace, serving, config -> controller.reconfigure(config))) {
        return run.serveElected(
            client,
            podNamespace,
            Leadership.identity(env),
            healthPort,
            new ComponentRun.Elected(
                "controller",
                "reconciling once the caches are synced",
                () ->
                    controller
                        .start()
                        .thenRun(
                            () -> {
                              controller.startReconciling();
                              if (certificates != null) {
                                certificates.start();
                              }
                            }),
                () -> {},
                controller::synced,
                controller::start,
                "informers",
                () -> {
                  controller.close(); // no reconcile runs after this
                  if (certificates != null) {
                    certificates.close();
                  }
                },
                controller.metrics().registry()));
      }
    } catch (IOException e) {
      err.println(e.getMessage());
      return 1;
    }
  }

  private ControllerSettings settings(
      KubernetesClient client,
      String podNamespace,
      AutoscalerConfig autoscaler,
      ServingConfig serving) {
    String d = NetworkConfig.domain(domain, client, podNamespace);
    GcConfig gc =
        ComponentRun.configMap(client, podNamespace, "config-gc")
            .map(GcConfig::fromData)
            .orElse(GcConfig.DEFAULTS);
    return ControllerSettings.defaults(d)
        .withAutoscalerConfig(autoscaler)
        .withGc(gc)
        .withServing(serving.features(), serving.defaults());
  }
}
