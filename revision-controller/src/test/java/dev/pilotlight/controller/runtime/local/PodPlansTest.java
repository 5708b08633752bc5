package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.RevisionKey;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One instance as one pod: Podman's pod, Docker's shared network namespace, security options. */
class PodPlansTest {
  static final ContainerEngine PODMAN = new ContainerEngine(Path.of("/usr/bin/podman"), "podman");
  static final ContainerEngine DOCKER = new ContainerEngine(Path.of("/usr/bin/docker"), "docker");
  static final String SERVING = "pilotlight-0abc1234-hello-00001-1-41000";

  static Revision revision(PodSecurityContext pod, Container... containers) {
    return new Revision(
        new RevisionKey("default", "hello-00001"),
        "hello",
        "hello",
        1,
        "h",
        Map.of(),
        Map.of(),
        new RevisionSpec(
            new PodSpecBuilder().withContainers(containers).withSecurityContext(pod).build(),
            null,
            null,
            null,
            null),
        Instant.EPOCH);
  }

  static final Container APP =
      new ContainerBuilder()
          .withName("app")
          .withImage("localhost/app:1")
          .addNewPort()
          .withContainerPort(8080)
          .endPort()
          .build();
  static final Container SIDE =
      new ContainerBuilder()
          .withName("side")
          .withImage("localhost/side:1")
          .withCommand("/bin/side", "--upstream=$(UP)")
          .addNewEnv()
          .withName("UP")
          .withValue("localhost:8080")
          .endEnv()
          .build();

  static PodPlans.Plan plan(ContainerEngine engine, Revision r) {
    List<String> serving =
        ContainerSpecs.build(
                r,
                41000,
                engine,
                "0abc1234",
                "hello-00001-1",
                InstanceClass.STANDARD,
                null,
                Path.of("/"))
            .command();
    return PodPlans.plan(r, serving, engine, "0abc1234", "hello-00001-1", 41000);
  }

  @Test
  void aSidecarGetsItsResolvedEnvAndItsVolumeMountsAsTheServingContainerDoes() {
    Revision r = revision(null, APP, SIDE);
    List<String> serving =
        ContainerSpecs.build(
                r,
                41000,
                PODMAN,
                "0abc1234",
                "hello-00001-1",
                InstanceClass.STANDARD,
                null,
                Path.of("/"))
            .command();
    PodPlans.Plan p =
        PodPlans.plan(
            r,
            serving,
            PODMAN,
            "0abc1234",
            "hello-00001-1",
            41000,
            c ->
                new PodPlans.SidecarInputs(
                    Map.of("UP", "localhost:8080", "TOKEN", "from-a-secret"),
                    List.of("--volume=/state/volumes/cfg:/etc/side:ro")));
    assertThat(p.sidecars().get(0).command())
        .contains(
            "--env=TOKEN=from-a-secret",
            "--env=UP=localhost:8080",
            "--volume=/state/volumes/cfg:/etc/side:ro")
        .endsWith("localhost/side:1", "--upstream=localhost:8080");
  }

  @Test
  void onPodmanASidecarSharesALabelledPodThatPublishesTheServingPort() {
    PodPlans.Plan p = plan(PODMAN, revision(null, APP, SIDE));
    String pod = SERVING + "-pod";
    assertThat(p.pod()).isEqualTo(pod);
    assertThat(p.setup())
        .containsExactly(
            List.of(
                "pod",
                "create",
                "--name=" + pod,
                "--label=pilotlight.dev/owner=0abc1234",
                "--label=pilotlight.dev/instance=hello-00001-1",
                "--publish=127.0.0.1:41000:8080"));
    assertThat(p.serving().command())
        .contains("--pod=" + pod, "--name=" + SERVING, "--env=PORT=8080")
        .noneMatch(a -> a.startsWith("--publish"))
        .endsWith("localhost/app:1");
    assertThat(p.sidecars()).hasSize(1);
    PodPlans.Launch side = p.sidecars().get(0);
    assertThat(side.engineName()).isEqualTo(SERVING + "-side");
    assertThat(side.command())
        .containsSequence("/usr/bin/podman", "run", "--rm")
        .contains(
            "--name=" + SERVING + "-side",
            "--label=pilotlight.dev/owner=0abc1234",
            "--label=pilotlight.dev/instance=hello-00001-1",
            "--pod=" + pod,
            "--env=UP=localhost:8080",
            "--entrypoint=/bin/side")
        .noneMatch(a -> a.startsWith("--env=PORT") || a.startsWith("--publish"))
        .endsWith("localhost/side:1", "--upstream=localhost:8080");
    assertThat(p.sidecarsAfterServing()).isFalse();
    assertThat(p.needsPreparation()).isTrue();
    assertThat(p.stop(10))
        .containsExactly(List.of("pod", "stop", "--time=10", pod), List.of("pod", "rm", "-f", pod));
  }

  @Test
  void onDockerSidecarsJoinTheServingContainersNetworkOnceItRuns() {
    PodPlans.Plan p = plan(DOCKER, revision(null, SIDE, APP));
    assertThat(p.pod()).isNull();
    assertThat(p.setup()).isEmpty();
    assertThat(p.serving().command())
        .containsSequence("/usr/bin/docker", "run", "--rm")
        .contains("--name=" + SERVING, "--publish=127.0.0.1:41000:8080")
        .noneMatch(a -> a.startsWith("--pod") || a.startsWith("--network"));
    assertThat(p.sidecars().get(0).command())
        .containsSequence("/usr/bin/docker", "run", "--rm")
        .contains("--network=container:" + SERVING, "--name=" + SERVING + "-side")
        .noneMatch(a -> a.startsWith("--publish") || a.startsWith("--pod"));
    assertThat(p.sidecarsAfterServing()).isTrue();
    assertThat(p.needsPreparation()).isFalse();
    assertThat(p.stop(5))
        .containsExactly(
            List.of("stop", "--time=5", SERVING, SERVING + "-side"),
            List.of("rm", "-f", SERVING),
            List.of("rm", "-f", SERVING + "-side"));
  }

  @Test
  void aSingleContainerRunsWithoutAPodAsBefore() {
    Revision r = revision(null, APP);
    PodPlans.Plan p = plan(PODMAN, r);
    assertThat(p.pod()).isNull();
    assertThat(p.needsPreparation()).isFalse();
    assertThat(p.serving().command())
        .isEqualTo(
            ContainerSpecs.build(
                    r,
                    41000,
                    PODMAN,
                    "0abc1234",
                    "hello-00001-1",
                    InstanceClass.STANDARD,
                    null,
                    Path.of("/"))
                .command());
  }

  static SecurityContextBuilder sc() {
    return new SecurityContextBuilder();
  }

  static Stream<Arguments> security() {
    PodSecurityContext pod =
        new PodSecurityContextBuilder()
            .withRunAsUser(1000L)
            .withRunAsGroup(2000L)
            .withSupplementalGroups(3000L)
            .build();
    return Stream.of(
        Arguments.of("nothing set, nothing added", null, null, List.of()),
        Arguments.of(
            "the pod's user and group", pod, null, List.of("--user=1000:2000", "--group-add=3000")),
        Arguments.of(
            "the container's user wins over the pod's",
            pod,
            sc().withRunAsUser(7L).build(),
            List.of("--user=7:2000", "--group-add=3000")),
        Arguments.of(
            "read-only root, no privilege escalation, capabilities dropped then added",
            null,
            sc().withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false)
                .withNewCapabilities()
                .withDrop("ALL")
                .withAdd("NET_BIND_SERVICE")
                .endCapabilities()
                .build(),
            List.of(
                "--read-only",
                "--security-opt=no-new-privileges",
                "--cap-drop=ALL",
                "--cap-add=NET_BIND_SERVICE")),
        Arguments.of(
            "allowPrivilegeEscalation true and readOnlyRootFilesystem false are the defaults",
            null,
            sc().withReadOnlyRootFilesystem(false).withAllowPrivilegeEscalation(true).build(),
            List.of()),
        Arguments.of(
            "an Unconfined seccomp profile; RuntimeDefault is the engine's",
            null,
            sc().withNewSeccompProfile().withType("Unconfined").endSeccompProfile().build(),
            List.of("--security-opt=seccomp=unconfined")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("security")
  void securityContextBecomesEngineOptions(
      String rule, PodSecurityContext pod, SecurityContext c, List<String> expected) {
    assertThat(PodPlans.securityArgs(pod, c)).as(rule).isEqualTo(expected);
  }

  @Test
  void securityOptionsComeBeforeTheImage() {
    Container c =
        new ContainerBuilder(APP)
            .withSecurityContext(sc().withRunAsUser(1234L).withReadOnlyRootFilesystem(true).build())
            .withArgs("serve")
            .build();
    List<String> cmd = plan(PODMAN, revision(null, c)).serving().command();
    assertThat(cmd).containsSequence("--user=1234", "--read-only", "localhost/app:1", "serve");
  }

  static Stream<Arguments> nonRoot() {
    return Stream.of(
        Arguments.of("", "will run as root"),
        Arguments.of("0", "will run as root"),
        Arguments.of("root", "will run as root"),
        Arguments.of("0:0", "will run as root"),
        Arguments.of("nobody", "has non-numeric user (nobody), cannot verify user is non-root"),
        Arguments.of("1000", null),
        Arguments.of("1000:1000", null));
  }

  @ParameterizedTest(name = "image user \"{0}\"")
  @MethodSource("nonRoot")
  void runAsNonRootRefusesAnImageThatRunsAsRoot(String imageUser, String refusal) {
    String why = PodPlans.nonRootRefusal("app", "localhost/app:1", imageUser);
    if (refusal == null) {
      assertThat(why).isNull();
    } else {
      assertThat(why)
          .startsWith("container app: runAsNonRoot and image localhost/app:1")
          .contains(refusal);
    }
  }

  @Test
  void runAsNonRootChecksTheImageWithoutARunAsUserAndRefusesUserZero() {
    Container inspect =
        new ContainerBuilder(APP).withSecurityContext(sc().withRunAsNonRoot(true).build()).build();
    PodPlans.Plan p = plan(PODMAN, revision(null, inspect));
    assertThat(p.nonRootChecks())
        .containsExactly(new PodPlans.NonRootCheck("app", "localhost/app:1"));
    assertThat(p.needsPreparation()).isTrue();
    assertThat(
            plan(
                    PODMAN,
                    revision(new PodSecurityContextBuilder().withRunAsUser(5L).build(), inspect))
                .nonRootChecks())
        .isEmpty();
    Container zero =
        new ContainerBuilder(APP)
            .withSecurityContext(sc().withRunAsNonRoot(true).withRunAsUser(0L).build())
            .build();
    assertThat(plan(PODMAN, revision(null, zero)).refusal())
        .contains("runAsNonRoot and runAsUser 0");
  }
}
