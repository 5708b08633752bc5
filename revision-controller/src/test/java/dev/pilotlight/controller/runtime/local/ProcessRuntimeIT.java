package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Ticker;
import dev.pilotlight.controller.metrics.InstanceCounts;
import dev.pilotlight.controller.runtime.InstanceSet;
import dev.pilotlight.controller.runtime.capacity.CapacitySettings;
import dev.pilotlight.controller.runtime.capacity.Resources;
import dev.pilotlight.testkit.Await;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local runtime with real processes (a tiny Java HTTP app). */
class ProcessRuntimeIT {
  static final Duration DEADLINE = Duration.ofSeconds(60);
  @TempDir Path state;
  ScheduledExecutorService scheduler;
  ProcessRuntime runtime;
  final List<InstanceSet> changes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    scheduler = Executors.newScheduledThreadPool(2);
    runtime =
        new ProcessRuntime(
            state,
            Ticker.system(),
            scheduler,
            Map.of(),
            Files.createDirectories(state.resolve("bin")),
            Duration.ofSeconds(5));
    runtime.setListener(changes::add);
  }

  @AfterEach
  void stop() {
    runtime.close();
    scheduler.shutdownNow();
  }

  static Revision revision(String name, Probe probe, Map<String, String> env, String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    ContainerBuilder c =
        new ContainerBuilder()
            .withCommand(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                TestHttpApp.class.getName())
            .withArgs(args)
            .withReadinessProbe(probe);
    env.forEach((k, v) -> c.addNewEnv().withName(k).withValue(v).endEnv());
    return new Revision(
        new RevisionKey("default", name),
        "app",
        "app",
        1,
        "h",
        Map.of(),
        Map.of(),
        new RevisionSpec(List.of(c.build()), null, null, null, null),
        Instant.EPOCH);
  }

  List<Endpoint> ready(RevisionKey key) {
    return runtime.observe(key).ready();
  }

  static String get(Endpoint e, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + path))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  /**
   * Without a container engine, a revision whose container names an image cannot run: refused at
   * once with what to install and the alternative; annotated to run as a process, it runs.
   */
  @Test
  void anImageWithoutAnEngineSaysWhatToInstall_orRunsItsCommandWhenAnnotated() throws Exception {
    Revision plain = revision("img-00001", null, Map.of());
    io.fabric8.kubernetes.api.model.Container c = plain.spec().container();
    c.setImage("ghcr.io/example/hello:1");
    Revision image =
        new Revision(
            plain.key(), "app", "app", 1, "h", Map.of(), Map.of(), plain.spec(), Instant.EPOCH);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.apply(image, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither podman nor docker is on PATH")
        .hasMessageContaining("pilotlight.dev/local-runtime: process");
    Revision asProcess =
        new Revision(
            plain.key(),
            "app",
            "app",
            1,
            "h",
            Map.of(dev.pilotlight.api.model.LocalRuntimes.ANNOTATION, "process"),
            Map.of(),
            plain.spec(),
            Instant.EPOCH);
    runtime.apply(asProcess, 1);
    Await.until(
        "the annotated revision runs as a process", DEADLINE, () -> ready(plain.key()).size() == 1);
  }

  @Test
  void anInstanceWhosePortIsNamedH2cIsAnH2cEndpoint() throws Exception {
    Revision plain = revision("h2-00001", null, Map.of());
    Revision r =
        new Revision(
            plain.key(),
            "app",
            "app",
            1,
            "h",
            Map.of(),
            Map.of(),
            new RevisionSpec(
                List.of(
                    new ContainerBuilder(plain.spec().container())
                        .addNewPort()
                        .withName("h2c")
                        .withContainerPort(8080)
                        .endPort()
                        .build()),
                null,
                null,
                null,
                null),
            Instant.EPOCH);
    runtime.apply(r, 1);
    Await.until("one ready instance", DEADLINE, () -> ready(r.key()).size() == 1);
    assertThat(ready(r.key()).get(0).protocol()).isEqualTo(Protocol.H2C);
  }

  InstanceCounts counts(RevisionKey key) {
    return runtime.counts().stream()
        .filter(c -> c.revision().equals(key))
        .findFirst()
        .orElseThrow();
  }

  /**
   * A node of one core, instances requesting half a core: two run, the third stays pending,
   * Unschedulable, until scale goes down (the pending one goes first) or an instance's process has
   * exited and freed its requests (then another revision's pending instance starts).
   */
  @Test
  void instancesBeyondCapacityStayPendingUnschedulable_andStartWhenCapacityFrees()
      throws Exception {
    runtime.close();
    runtime =
        new ProcessRuntime(
            state,
            Ticker.system(),
            scheduler,
            Map.of(),
            Files.createDirectories(state.resolve("bin")),
            Duration.ofSeconds(5),
            Optional.empty(),
            new CapacitySettings(new Resources(1000, 1L << 30), new Resources(500, 64L << 20)));
    runtime.setListener(changes::add);
    Revision a = revision("a-00001", null, Map.of());
    runtime.apply(a, 3);
    Await.until("two ready", DEADLINE, () -> ready(a.key()).size() == 2);
    assertThat(runtime.observe(a.key()).failing())
        .isEqualTo(
            "Unschedulable: 1 instance pending; 0/1 nodes are available: insufficient cpu"
                + " (requests 500m, free 0m of 1000m)");
    assertThat(runtime.observe(a.key()).starting()).isZero();
    assertThat(counts(a.key()).pending()).isEqualTo(1);
    assertThat(counts(a.key()).ready()).isEqualTo(2);

    // scale down takes the pending instance first: both running ones stay
    List<Endpoint> running = ready(a.key());
    runtime.apply(a, 2);
    assertThat(runtime.observe(a.key()).failing()).isNull();
    assertThat(counts(a.key()).pending()).isZero();
    assertThat(ready(a.key())).containsExactlyElementsOf(running);

    // another revision waits for capacity, and gets it once one of a's processes has exited
    Revision b = revision("b-00001", null, Map.of());
    runtime.apply(b, 1);
    assertThat(runtime.observe(b.key()).failing()).startsWith("Unschedulable: 1 instance pending");
    runtime.apply(a, 1);
    Await.until("b's instance ready", DEADLINE, () -> ready(b.key()).size() == 1);
    assertThat(runtime.observe(b.key()).failing()).isNull();
    assertThat(counts(b.key()).pending()).isZero();
    assertThat(ready(a.key())).hasSize(1);
  }

  /**
   * The reserve is admitted before standard instances that waited longer: with the node full, a
   * standard instance and then the reserve wait; when another revision's instance exits, the
   * reserve (250m) starts and the standard instance (500m) still does not fit.
   */
  @Test
  void theReserveIsAdmittedFirst() throws Exception {
    runtime.close();
    runtime =
        new ProcessRuntime(
            state,
            Ticker.system(),
            scheduler,
            Map.of(),
            Files.createDirectories(state.resolve("bin")),
            Duration.ofSeconds(5),
            Optional.empty(),
            new CapacitySettings(new Resources(1000, 1L << 30), new Resources(500, 64L << 20)));
    Revision other = revision("other-00001", null, Map.of());
    Revision r = revision("lit-00001", null, Map.of());
    runtime.apply(other, 1);
    runtime.apply(r, 2);
    Await.until(
        "the node full",
        DEADLINE,
        () -> ready(other.key()).size() == 1 && ready(r.key()).size() == 1);
    ReserveSpec spec =
        ReserveSpecs.resolve(
                Map.of(
                    "pilotlight.dev/reserve-instance", "true",
                    "pilotlight.dev/reserve-resources", "cpu=250m"),
                0)
            .orElseThrow();
    runtime.applyReserve(r, spec, true);
    assertThat(runtime.observe(r.key()).failing()).startsWith("Unschedulable: 2 instances pending");

    runtime.apply(other, 0);
    Await.until("the reserve ready", DEADLINE, () -> runtime.observe(r.key()).reserveReady());
    assertThat(runtime.observe(r.key()).failing())
        .isEqualTo(
            "Unschedulable: 1 instance pending; 0/1 nodes are available: insufficient cpu"
                + " (requests 500m, free 250m of 1000m)");
    assertThat(counts(r.key()).pending()).isEqualTo(1);
    assertThat(runtime.observe(r.key()).readyStandard()).isEqualTo(1);
  }

  @Test
  void startsScalesAndStopsRealProcesses() throws Exception {
    Revision r = revision("app-00001", null, Map.of());
    runtime.apply(r, 1);
    Await.until("one ready instance", DEADLINE, () -> ready(r.key()).size() == 1);
    assertThat(get(ready(r.key()).get(0), "/")).isEqualTo("200 app-00001");
    assertThat(ready(r.key()).get(0).protocol()).isEqualTo(Protocol.HTTP1);
    assertThat(Files.list(state.resolve("logs/default/app-00001"))).isNotEmpty();

    runtime.apply(r, 2);
    Await.until("two ready instances", DEADLINE, () -> ready(r.key()).size() == 2);
    List<Long> pids = ProcessHandle.current().children().map(ProcessHandle::pid).toList();
    assertThat(pids).hasSizeGreaterThanOrEqualTo(2);

    runtime.apply(r, 0);
    Await.until(
        "no instance",
        DEADLINE,
        () -> ready(r.key()).isEmpty() && runtime.observe(r.key()).starting() == 0);
    Await.until(
        "processes gone",
        DEADLINE,
        () ->
            pids.stream()
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    assertThat(changes).isNotEmpty();
  }

  @Test
  void crashingAppIsRestartedAndReportsWhy() {
    Revision r = revision("crash-00001", null, Map.of(), "crash");
    runtime.apply(r, 1);
    Await.until(
        "failing reason",
        DEADLINE,
        () ->
            runtime.observe(r.key()).failing() != null
                && runtime.observe(r.key()).failing().contains("exited with code 3"));
    Await.until(
        "restarted at least twice",
        DEADLINE,
        () ->
            changes.stream().map(InstanceSet::failing).filter(f -> f != null).distinct().count()
                >= 2);
  }

  @Test
  void httpReadinessProbeGatesReadiness() throws Exception {
    Path readyFile = state.resolve("ready-now");
    Probe probe = new ProbeBuilder().withNewHttpGet().withPath("/ready").endHttpGet().build();
    Revision r =
        revision("probe-00001", probe, Map.of("READY_FILE", readyFile.toString()), "unready");
    runtime.apply(r, 1);
    Await.until("instance started", DEADLINE, () -> runtime.observe(r.key()).starting() == 1);
    assertThat(ready(r.key())).isEmpty();
    // running but not ready: published with its address, for the gateway to probe
    List<Endpoint> starting =
        Await.untilValue(
            "starting instance's address published",
            DEADLINE,
            () -> runtime.observe(r.key()).startingEndpoints(),
            l -> l.size() == 1);
    Await.until(
        "the app answering 503 while not ready",
        DEADLINE,
        () -> get(starting.get(0), "/ready").startsWith("503"));
    Files.writeString(readyFile, "ok");
    Await.until("ready once the probe passes", DEADLINE, () -> ready(r.key()).size() == 1);
    assertThat(ready(r.key())).containsExactlyElementsOf(starting);
    assertThat(runtime.observe(r.key()).startingEndpoints()).isEmpty();
  }

  @Test
  void closeLeavesNoProcess_andOrphansOfAKilledRunAreReaped() throws Exception {
    Revision r = revision("app-00001", null, Map.of());
    runtime.apply(r, 1);
    Await.until("ready", DEADLINE, () -> ready(r.key()).size() == 1);
    List<ProcessHandle> children = ProcessHandle.current().children().toList();
    // Simulate a run killed with no chance to clean up: a second runtime finds the pid files.
    assertThat(Files.list(state.resolve("pids"))).isNotEmpty();
    assertThat(ProcessRuntime.reapOrphans(state)).isGreaterThanOrEqualTo(1);
    Await.until("reaped", DEADLINE, () -> children.stream().noneMatch(ProcessHandle::isAlive));
    runtime.close();
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isZero();
  }

  @Test
  void theReserveIsOneMoreInstanceMarkedAsSuch_pinnedToFewerCpus_restartedAfterACrash()
      throws Exception {
    Revision r = revision("res-00001", null, Map.of());
    ReserveSpec spec =
        ReserveSpecs.resolve(
                Map.of(
                    "pilotlight.dev/reserve-instance", "true",
                    "pilotlight.dev/reserve-resources", "cpu=250m,memory=64Mi"),
                0)
            .orElseThrow();
    runtime.apply(r, 1);
    runtime.applyReserve(r, spec, true);
    Await.until(
        "a standard and a reserve instance ready", DEADLINE, () -> ready(r.key()).size() == 2);
    Endpoint reserve =
        ready(r.key()).stream()
            .filter(e -> e.instanceClass() == InstanceClass.RESERVE)
            .findFirst()
            .orElseThrow();
    Endpoint standard =
        ready(r.key()).stream()
            .filter(e -> e.instanceClass() == InstanceClass.STANDARD)
            .findFirst()
            .orElseThrow();
    assertThat(reserve.id()).isEqualTo("res-00001-reserve-1");
    assertThat(get(reserve, "/class")).isEqualTo("200 reserve");
    assertThat(get(standard, "/class")).isEqualTo("200 standard");
    assertThat(runtime.observe(r.key()).reserveReady()).isTrue();
    assertThat(runtime.observe(r.key()).readyStandard()).isEqualTo(1);

    Path log = state.resolve("logs/default/res-00001/res-00001-reserve-1.log");
    assertThat(Files.readString(log))
        .startsWith("pilotlight: reserve instance res-00001-reserve-1")
        .contains("memory=64Mi: not applied (local processes get no memory limit)");
    long pid =
        Long.parseLong(
            Files.readString(state.resolve("pids/res-00001-reserve-1.pid")).split(" ")[0]);
    CpuAffinity affinity = CpuAffinity.detect(System.getenv());
    List<Integer> pinned = affinity.cpusFor(250);
    if (affinity.taskset() != null && !pinned.isEmpty()) {
      // the limit as applied: the reserve runs on one of this machine's CPUs
      String allowed =
          Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
              .filter(l -> l.startsWith("Cpus_allowed_list:"))
              .findFirst()
              .orElseThrow();
      assertThat(CpuAffinity.parseCpuList(allowed.substring(allowed.indexOf(':') + 1)))
          .isEqualTo(pinned);
      assertThat(Files.readString(log)).contains("cpu=250m: CPU affinity to 1 of");
    }

    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    Await.until(
        "the reserve back after its crash, in a new process",
        DEADLINE,
        () ->
            runtime.observe(r.key()).reserveEndpoints().stream()
                .anyMatch(
                    e -> runtime.observe(r.key()).reserveReady() && e.port() != reserve.port()));
    assertThat(runtime.observe(r.key()).readyStandard()).isEqualTo(1);

    runtime.applyReserve(r, spec, false);
    Await.until(
        "the reserve stopped, the standard instance kept",
        DEADLINE,
        () ->
            runtime.observe(r.key()).reserveEndpoints().isEmpty()
                && runtime.observe(r.key()).readyStandard() == 1);
  }
}
