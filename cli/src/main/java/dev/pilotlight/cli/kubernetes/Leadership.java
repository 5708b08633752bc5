package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leader election on a {@code coordination.k8s.io} Lease (fabric8's elector): one replica of a
 * component acts, the others wait. Durations are client-go's defaults: lease 15 s, renew deadline
 * 10 s, retry 2 s. When leadership is lost the component must stop acting at once; {@code
 * onStopLeading} is where it does.
 */
public final class Leadership implements AutoCloseable {
  private final LeaderElector elector;
  private final AtomicBoolean leading = new AtomicBoolean();
  private CompletableFuture<?> running;

  /**
   * @param lease the Lease's name, e.g. {@code pilotlight-controller}
   * @param namespace where the Lease lives, e.g. {@code pilotlight-system}
   * @param identity this replica, e.g. the pod name
   */
  public Leadership(
      KubernetesClient client,
      String lease,
      String namespace,
      String identity,
      Runnable onStartLeading,
      Runnable onStopLeading) {
    this.elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(lease)
                    .withLock(new LeaseLock(namespace, lease, identity))
                    .withLeaseDuration(Duration.ofSeconds(15))
                    .withRenewDeadline(Duration.ofSeconds(10))
                    .withRetryPeriod(Duration.ofSeconds(2))
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              leading.set(true);
                              onStartLeading.run();
                            },
                            () -> {
                              leading.set(false);
                              onStopLeading.run();
                            },
                            newLeader -> {}))
                    .build())
            .build();
  }

  /** Starts campaigning; returns at once. */
  public synchronized void start() {
    if (running == null) {
      running = elector.start();
    }
  }

  public boolean leading() {
    return leading.get();
  }

  @Override
  public synchronized void close() {
    if (running != null) {
      running.cancel(true);
    }
  }

  /** This replica's identity: {@code $POD_NAME} when set (the downward API), else the host name. */
  public static String identity(java.util.function.Function<String, String> env) {
    String pod = env.apply("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "pilotlight-" + ProcessHandle.current().pid();
    }
  }
}
