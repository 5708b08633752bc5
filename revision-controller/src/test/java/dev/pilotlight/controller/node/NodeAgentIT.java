package dev.pilotlight.controller.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.InstanceLoad;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.kubernetes.desired.RevisionChildren;
import dev.pilotlight.controller.runtime.local.ProcessRuntime;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node agent with the real local runtime: a Deployment in the store runs a real process. */
class NodeAgentIT {
  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final String NS = "default";
  static final String REV = "it-00001";

  @TempDir Path state;
  ScheduledExecutorService scheduler;
  ScheduledExecutorService loop;
  ProcessRuntime runtime;
  ObjectStore store;
  NodeAgent agent;

  @BeforeEach
  void start() throws Exception {
    scheduler = Executors.newScheduledThreadPool(2);
    loop = Executors.newSingleThreadScheduledExecutor();
    runtime =
        new ProcessRuntime(
            state,
            Ticker.system(),
            scheduler,
            Map.of(),
            Files.createDirectories(state.resolve("bin")),
            Duration.ofSeconds(5));
    store = ObjectStore.open(StoreOptions.inMemory());
    agent = new NodeAgent(store, runtime, InstanceLoad.NONE, Clock.systemUTC(), loop);
    agent.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.close();
    }
    if (runtime != null) {
      runtime.close();
    }
    loop.shutdownNow();
    scheduler.shutdownNow();
    loop.awaitTermination(10, TimeUnit.SECONDS);
    store.close();
  }

  static RevisionResource revision() {
    return revision(REV, "ok");
  }

  static RevisionResource revision(String name, String mode) {
    String java = ProcessHandle.current().info().command().orElse("java");
    Container c =
        new ContainerBuilder()
            .withCommand(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.pilotlight.controller.runtime.local.TestHttpApp")
            .withArgs(mode)
            .build();
    RevisionResource rev = new RevisionResource();
    rev.getMetadata().setName(name);
    rev.getMetadata().setNamespace(NS);
    rev.getMetadata()
        .setLabels(
            Map.of(KubernetesNames.CONFIGURATION_LABEL, "it", KubernetesNames.SERVICE_LABEL, "it"));
    rev.setSpec(new RevisionSpec(List.of(c), null, null, null, null));
    return rev;
  }

  EndpointSlice readySlice() {
    for (EndpointSlice s : store.list(EndpointSlice.class, NS)) {
      if (Boolean.TRUE.equals(s.getEndpoints().get(0).getConditions().getReady())) {
        return s;
      }
    }
    return null;
  }

  static String get(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  @Test
  void aDeploymentRunsARealProcessServedThroughItsSliceAndStopsAtZero() throws Exception {
    RevisionResource rev = store.create(revision());
    store.create(RevisionChildren.endpointsService(rev));
    store.create(RevisionChildren.deployment(rev, 1));

    EndpointSlice slice =
        Await.untilValue("a ready EndpointSlice", DEADLINE, this::readySlice, Objects::nonNull);
    int port = slice.getPorts().get(0).getPort();
    assertThat(get(port)).isEqualTo("200 " + REV);
    Pod pod =
        Await.untilValue(
            "the pod ready",
            DEADLINE,
            () ->
                store.list(Pod.class, NS).stream()
                    .filter(
                        p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(
            dev.pilotlight.api.kubernetes.KubernetesNames.PORT_ANNOTATION, Integer.toString(port))
        .containsEntry(dev.pilotlight.api.kubernetes.KubernetesNames.RUNTIME_ANNOTATION, "process");
    ObjectKey deployment = new ObjectKey(NS, KubernetesNames.deployment(REV));
    Await.until(
        "the Deployment's status says 1 ready",
        DEADLINE,
        () -> {
          Deployment d = store.get(Deployment.class, deployment);
          return d.getStatus() != null
              && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
        });
    List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
    assertThat(started).isNotEmpty();

    Deployment d = store.get(Deployment.class, deployment);
    d.getSpec().setReplicas(0);
    store.update(d);
    Await.until(
        "the slice and the pod gone",
        DEADLINE,
        () -> store.list(EndpointSlice.class).isEmpty() && store.list(Pod.class).isEmpty());
    Await.until(
        "the process gone", DEADLINE, () -> started.stream().noneMatch(ProcessHandle::isAlive));

    // up again, then closed: nothing left running
    d = store.get(Deployment.class, deployment);
    d.getSpec().setReplicas(1);
    store.update(d);
    Await.untilValue("a ready EndpointSlice again", DEADLINE, this::readySlice, Objects::nonNull);
    List<ProcessHandle> again = ProcessHandle.current().descendants().toList();
    agent.close();
    agent = null;
    runtime.close();
    runtime = null;
    Await.until(
        "nothing left running", DEADLINE, () -> again.stream().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void aCrashingProcessIsAPodInCrashLoopBackOffWithItsExitCode() throws Exception {
    RevisionResource rev = store.create(revision("crash-00001", "crash"));
    store.create(RevisionChildren.endpointsService(rev));
    store.create(RevisionChildren.deployment(rev, 1));

    io.fabric8.kubernetes.api.model.ContainerStatus cs =
        Await.untilValue(
            "a pod whose last exit is the app's",
            DEADLINE,
            () ->
                store.list(Pod.class, NS).stream()
                    .filter(
                        p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
                    .flatMap(p -> p.getStatus().getContainerStatuses().stream())
                    .filter(
                        c -> c.getLastState() != null && c.getLastState().getTerminated() != null)
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
    assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(cs.getRestartCount()).isPositive();
    assertThat(store.list(EndpointSlice.class, NS)).isEmpty();
  }
}
