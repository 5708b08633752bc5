package dev.pilotlight.cli.kubernetes;

import dev.pilotlight.activator.ClientLimits;
import dev.pilotlight.activator.Gateway;
import dev.pilotlight.activator.GatewayConfig;
import dev.pilotlight.activator.MetricsExposition;
import dev.pilotlight.activator.feed.GatewayFeed;
import dev.pilotlight.activator.kubernetes.GatewayReplicaWatch;
import dev.pilotlight.activator.stats.HttpStatSink;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.cli.ClientLimitsOptions;
import dev.pilotlight.cli.TransportOption;
import dev.pilotlight.cli.logging.Logging;
import dev.pilotlight.cli.logging.LoggingOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pilotlight activator}: the gateway on Kubernetes, any number of replicas (they share each
 * instance's {@code containerConcurrency}, learning their count from their Service's endpoints:
 * {@link GatewayReplicaWatch}). Routes come from Routes' {@code status.traffic}, limits from
 * Revisions, instances from the EndpointSlices of the revisions' headless Services ({@link
 * GatewayFeed#kubernetes}); stats and pokes go to the autoscaler's HTTP intake with the shared
 * token. {@code /readyz} is 200 once the caches have synced and the gateway listens, and 503 again
 * from SIGTERM on. Then the gateway drains ({@link Gateway#startDraining()}): for the drain delay
 * it still accepts and serves, telling clients to reconnect elsewhere ({@code Connection: close},
 * GOAWAY); then it stops accepting and lets requests in flight and held finish for up to the drain
 * grace; a request still held then gets 503 with {@code Retry-After}.
 */
@Command(
    name = "activator",
    mixinStandardHelpOptions = true,
    description =
        "Run the activator on Kubernetes: the gateway, routing by Route status.traffic to the pods"
            + " EndpointSlices list, holding requests for revisions at zero.")
public final class ActivatorCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "PILOTLIGHT_STAT_TOKEN";
  static final String DEFAULT_AUTOSCALER_URL =
      "http://pilotlight-autoscaler.pilotlight-system.svc.cluster.local:8081";

  @Mixin KubernetesOptions kubernetes;

  @Mixin TransportOption transportOption;

  @Mixin ClientLimitsOptions clientLimits;

  @Mixin LoggingOptions logging;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Gateway port, all interfaces (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description =
          "Domain of route hosts (default: key domain of ConfigMap config-network in"
              + " $POD_NAMESPACE, else example.com).")
  String domain;

  @Option(
      names = "--autoscaler-url",
      paramLabel = "URL",
      defaultValue = DEFAULT_AUTOSCALER_URL,
      description = "The autoscaler's stat intake (default: ${DEFAULT-VALUE}).")
  URI autoscalerUrl;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      defaultValue = "8090",
      description =
          "Port of /healthz, /readyz and /metrics, all interfaces (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--drain-delay",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = dev.pilotlight.cli.DurationConverter.class,
      description =
          "On SIGTERM, how long /readyz answers 503 while the gateway still accepts and serves, so"
              + " the endpoints stop sending to it before it stops accepting (default:"
              + " ${DEFAULT-VALUE}).")
  java.time.Duration drainDelay;

  @Option(
      names = "--drain-grace",
      paramLabel = "DURATION",
      defaultValue = "570s",
      converter = dev.pilotlight.cli.DurationConverter.class,
      description =
          "After the drain delay, how long requests in flight and held may still finish; then a"
              + " request still held gets 503 with Retry-After. Keep the pod's"
              + " terminationGracePeriodSeconds above delay + grace (default: ${DEFAULT-VALUE}).")
  java.time.Duration drainGrace;

  private volatile Gateway gateway;

  @Option(
      names = "--replica-service",
      paramLabel = "NAME",
      defaultValue = "pilotlight-activator",
      description =
          "The activators' own Service in $POD_NAMESPACE: its ready endpoints are the replicas that"
              + " share each instance's containerConcurrency; needs $POD_IP"
              + " (default: ${DEFAULT-VALUE}).")
  String replicaService;

  @Option(
      names = "--tls-port",
      paramLabel = "PORT",
      description =
          "Also serve TLS (HTTP/1.1 and HTTP/2 by ALPN) on this port, all interfaces, with"
              + " certificates from kubernetes.io/tls Secrets: --tls-secret (the default) and those"
              + " labelled "
              + dev.pilotlight.activator.tls.SecretCertificates.LABEL
              + "=true (each for its namespace's hosts).")
  Integer tlsPort;

  @Option(
      names = "--tls-secret",
      paramLabel = "NAME",
      defaultValue = "pilotlight-tls",
      description =
          "The gateway's own certificate, a kubernetes.io/tls Secret in $POD_NAMESPACE (e.g. the"
              + " domain's namespaces' wildcards), served by default (default: ${DEFAULT-VALUE}).")
  String tlsSecret;

  @Option(
      names = "--https-port",
      paramLabel = "PORT",
      defaultValue = "443",
      description =
          "The port clients reach the TLS port on, for redirects under config-network's"
              + " http-protocol: Redirected (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Spec CommandSpec spec;

  /** The environment; tests replace it. */
  UnaryOperator<String> env = System::getenv;

  /** Ports bound, once listening. */
  record Ports(int gateway, int health) {}

  volatile Ports ports;
  private volatile boolean draining;

  /** The caches synced once: this replica was ready, so endpoints may list it. */
  private volatile boolean wasReady;

  private volatile int exitCode;
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private PrintWriter err;

  @Override
  public Integer call() throws Exception {
    logging.apply("activator");
    err = logging.errors();
    String token = env.apply(TOKEN_ENV);
    if (token == null || token.isBlank()) {
      err.println(
          TOKEN_ENV
              + " is not set: the activator needs the token of the autoscaler's stat intake"
              + " (deploy/ sets it from Secret pilotlight-stat-token, key token)");
      return 1;
    }
    if (autoscalerUrl.getHost() == null
        || !("http".equals(autoscalerUrl.getScheme())
            || "https".equals(autoscalerUrl.getScheme()))) {
      throw new ParameterException(
          spec.commandLine(),
          "--autoscaler-url: " + autoscalerUrl + " (expected: http://HOST:PORT)");
    }
    String systemNamespace = NetworkConfig.systemNamespace(env);

    KubernetesClient client;
    try {
      client = kubernetes.client();
    } catch (IOException | KubernetesClientException e) {
      err.println("cannot configure the Kubernetes client: " + e.getMessage());
      return 1;
    }
    toClose.add(client);
    Map<String, String> network;
    try {
      network = NetworkConfig.data(client, systemNamespace);
    } catch (KubernetesClientException e) {
      err.println(
          "cannot read ConfigMap "
              + systemNamespace
              + "/"
              + NetworkConfig.CONFIG_MAP
              + ": "
              + e.getMessage()
              + " (give --domain, or let the activator get that ConfigMap)");
      closeAll();
      return 1;
    }

    String hostDomain = NetworkConfig.domain(domain, network);
    ClientLimits limits;
    try {
      limits =
          clientLimits.resolve(
              spec, network, "ConfigMap " + systemNamespace + "/" + NetworkConfig.CONFIG_MAP);
    } catch (ParameterException e) {
      closeAll();
      throw e;
    }
    Gateway gateway =
        new Gateway(
            GatewayConfig.defaults("0.0.0.0", port)
                .withTransport(transportOption.resolve(spec))
                .withClientLimits(limits)
                .withDrainGrace(drainGrace),
            new HttpStatSink(autoscalerUrl, token, Leadership.identity(env)),
            Ticker.system());
    HttpProtocol httpProtocol;
    try {
      httpProtocol = HttpProtocol.of(network.get(HttpProtocol.KEY), tlsPort != null);
    } catch (IllegalArgumentException e) {
      err.println(
          "ConfigMap " + systemNamespace + "/" + NetworkConfig.CONFIG_MAP + ": " + e.getMessage());
      gateway.close();
      closeAll();
      return 1;
    }
    int gatewayPort;
    try {
      gatewayPort =
          gateway.start(
              httpProtocol == HttpProtocol.REDIRECTED
                  ? new dev.pilotlight.activator.tls.HttpsRedirect(httpsPort)
                  : null);
    } catch (Exception e) {
      err.println("cannot listen on port " + port + ": " + e.getMessage() + " (use --port)");
      gateway.close();
      closeAll();
      return 1;
    }
    toClose.add(0, gateway); // drained first, while the feed still tells it about new pods
    this.gateway = gateway;
    dev.pilotlight.activator.tls.SecretCertificates secrets = null;
    String tlsNote = "";
    if (tlsPort != null) {
      io.netty.handler.ssl.SslProvider provider = dev.pilotlight.activator.tls.TlsProvider.detect();
      var store = new dev.pilotlight.activator.tls.CertificateStore(provider);
      secrets =
          new dev.pilotlight.activator.tls.SecretCertificates(
              client, store, systemNamespace, tlsSecret, kubernetes.namespace(), hostDomain);
      toClose.add(secrets);
      secrets.start();
      int boundTls;
      try {
        boundTls = gateway.startTls(tlsPort, new dev.pilotlight.activator.tls.TlsTerminator(store));
      } catch (Exception e) {
        err.println(
            "cannot listen on port " + tlsPort + ": " + e.getMessage() + " (use --tls-port)");
        closeAll();
        return 1;
      }
      tlsNote =
          "; TLS on port "
              + boundTls
              + " ("
              + dev.pilotlight.activator.tls.TlsProvider.describe(provider)
              + ", Secret "
              + systemNamespace
              + "/"
              + tlsSecret
              + " and Secrets labelled "
              + dev.pilotlight.activator.tls.SecretCertificates.LABEL
              + "=true); http-protocol "
              + httpProtocol.name().toLowerCase(java.util.Locale.ROOT);
    }
    dev.pilotlight.activator.tls.SecretCertificates tlsSecrets = secrets;
    GatewayFeed feed =
        GatewayFeed.kubernetes(client, kubernetes.namespace(), hostDomain, gateway, gateway);
    toClose.add(1, feed);
    String podIp = env.apply("POD_IP");
    if (podIp == null || podIp.isBlank()) {
      event(
          "POD_IP is not set: this activator assumes it is the only replica (set POD_IP from"
              + " status.podIP to share instances' capacity with other replicas)");
    } else {
      GatewayReplicaWatch replicas =
          new GatewayReplicaWatch(client, systemNamespace, replicaService, podIp, gateway);
      toClose.add(2, replicas);
      replicas.start();
    }
    HealthServer health;
    try {
      health =
          new HealthServer(
              "0.0.0.0",
              healthPort,
              () -> !draining && feed.synced() && (tlsSecrets == null || tlsSecrets.synced()),
              scrape(gateway.exposition()));
    } catch (IOException e) {
      err.println(
          "cannot listen on port " + healthPort + ": " + e.getMessage() + " (use --health-port)");
      closeAll();
      return 1;
    }
    toClose.add(health);
    int boundHealth = health.start();

    Thread hook = new Thread(this::stop, "pilotlight-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    event(
        "activator listening on port "
            + gatewayPort
            + " ("
            + gateway.transport()
            + ")"
            + " for *."
            + hostDomain
            + " in "
            + (kubernetes.namespace() == null
                ? "all namespaces"
                : "namespace " + kubernetes.namespace())
            + "; health on port "
            + boundHealth
            + "; stats to "
            + autoscalerUrl
            + tlsNote);
    ports = new Ports(gatewayPort, boundHealth);
    feed.start()
        .whenComplete(
            (ok, e) -> {
              if (draining) {
                return; // stopped before the caches synced: nothing to report
              }
              if (e == null) {
                wasReady = true;
                event("routes, revisions and endpoint slices synced: ready");
              } else {
                event(
                    "cannot watch Routes, Revisions and EndpointSlices: "
                        + rootMessage(e)
                        + " (are the CRDs applied, kubectl apply -f crds/, and may the"
                        + " activator's ServiceAccount list and watch them?)");
                exitCode = 1;
                new Thread(this::stop, "pilotlight-stop").start();
              }
            });
    stopped.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // stopped by SIGTERM: the hook is what stopped us
    }
    return exitCode;
  }

  /**
   * Stops as on SIGTERM: not ready from now on; if it was ready, it keeps serving for the drain
   * delay while the endpoints drop it; then the gateway drains, then everything closes. Idempotent;
   * returns once stopped.
   */
  void stop() {
    synchronized (toClose) {
      if (stopped.getCount() == 0) {
        return;
      }
      boolean listed = wasReady && !draining;
      draining = true;
      Gateway g = gateway;
      if (g != null) {
        g.startDraining(); // clients are told to reconnect elsewhere while still served
      }
      if (listed && drainDelay.toNanos() > 0) {
        // not ready from now on; keep serving while the endpoints drop this replica
        event(
            "stopping: not ready, still serving for "
                + drainDelay.toMillis() / 1000.0
                + " s while the endpoints update");
        long end = System.nanoTime() + drainDelay.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
          try {
            TimeUnit.NANOSECONDS.timedWait(toClose, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        if (stopped.getCount() == 0) {
          return; // a second stop went ahead meanwhile
        }
      }
      event("stopping: draining the gateway");
      closeAll();
      event("stopped");
      stopped.countDown();
    }
  }

  private void closeAll() {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        Logging.events().warn("error while stopping {}: {}", c, e.toString());
      }
    }
    toClose.clear();
  }

  /** This replica in stat reports: {@code $POD_NAME}, else the host name. */
  private static Function<String, HealthServer.Scrape> scrape(MetricsExposition exposition) {
    return accept -> {
      MetricsExposition.Scrape s = exposition.scrape(accept);
      return new HealthServer.Scrape(s.contentType(), s.body());
    };
  }

  /**
   * The activator's own events: bare time-stamped lines in text (logger {@value Logging#EVENTS}).
   */
  private static void event(String message) {
    Logging.events().info("{}", message);
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }
}
