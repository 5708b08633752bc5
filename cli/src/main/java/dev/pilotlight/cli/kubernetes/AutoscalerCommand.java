package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.LiveAutoscalerConfig;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.autoscaler.intake.StatIntakeServer;
import dev.pilotlight.autoscaler.shell.AutoscalerShell;
import dev.pilotlight.cli.logging.LoggingOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight autoscaler}: decides every PodAutoscaler's scale from the activators' stats.
 * The stat intake listens on every replica; only the one holding Lease {@code
 * pilotlight-autoscaler} writes {@code status.desiredScale}, and only it is ready, so the intake
 * Service sends the stats to it.
 */
@Command(
    name = "autoscaler",
    mixinStandardHelpOptions = true,
    description =
        "Run the autoscaler on Kubernetes: stats in over HTTP, each PodAutoscaler's desired scale"
            + " out (leader-elected).")
public final class AutoscalerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AutoscalerCommand.class);
  static final String TOKEN_ENV = "PILOTLIGHT_STAT_TOKEN";

  @Mixin KubernetesOptions kubernetes;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--intake-port",
      defaultValue = "8081",
      description = "Port of the activators' stat intake (default: ${DEFAULT-VALUE}).")
  int intakePort;

  @Option(
      names = "--health-port",
      defaultValue = "8090",
      description =
          "Port of /healthz, /readyz (the leader) and /metrics (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Spec CommandSpec spec;

  /** The environment (PILOTLIGHT_STAT_TOKEN, POD_NAMESPACE, POD_NAME); replaced by tests. */
  Function<String, String> env = System::getenv;

  final ComponentRun run = new ComponentRun(Duration.ofSeconds(20));

  @Override
  public Integer call() throws Exception {
    logging.apply("autoscaler");
    try {
      return serve(logging.errors());
    } finally {
      run.stopped();
    }
  }

  private int serve(PrintWriter err) throws Exception {
    String token = env.apply(TOKEN_ENV);
    if (token == null || token.isBlank()) {
      err.println(
          TOKEN_ENV
              + " is not set (expected: the activators' shared stat token, e.g. from Secret"
              + " pilotlight-stat-token)");
      return 1;
    }
    String podNamespace = NetworkConfig.systemNamespace(env);
    ScheduledExecutorService scaler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pilotlight-autoscaler");
              t.setDaemon(true);
              return t;
            });
    try (KubernetesClient client = kubernetes.client()) {
      LiveAutoscalerConfig live;
      try {
        live = AutoscalerConfigWatch.read(client, podNamespace);
      } catch (ValidationException e) {
        err.println("invalid configuration in namespace " + podNamespace + ":\n" + e.getMessage());
        return 1;
      } catch (KubernetesClientException e) {
        err.println(
            "cannot read the configuration in namespace " + podNamespace + ": " + e.getMessage());
        return 1;
      }
      AutoscalerConfig config = live.current();
      try (AutoscalerShell autoscaler =
              AutoscalerShell.kubernetes(
                  client,
                  kubernetes.namespace(),
                  config,
                  config.tickInterval(),
                  scaler,
                  Ticker.system());
          StatIntakeServer intake =
              new StatIntakeServer("0.0.0.0", intakePort, token, autoscaler.stats());
          AutoscalerConfigWatch watch =
              AutoscalerConfigWatch.start(client, podNamespace, live, autoscaler::reconfigure)) {
        LOG.info("stat intake on port {}", intake.start());
        autoscaler.metrics().attach(intake.metrics());
        return run.serveElected(
            client,
            podNamespace,
            Leadership.identity(env),
            healthPort,
            new ComponentRun.Elected(
                "autoscaler",
                "writing desired scales",
                autoscaler::startLeading,
                autoscaler::stopLeading,
                autoscaler::leading,
                autoscaler::start,
                "the PodAutoscaler informer",
                autoscaler::stopLeading, // no write after this
                autoscaler.metrics().registry()));
      }
    } catch (IOException e) {
      err.println(e.getMessage());
      return 1;
    } finally {
      scaler.shutdownNow();
    }
  }
}
