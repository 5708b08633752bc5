package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.LocalRuntimes;
import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.reserve.ReserveResources;
import dev.pilotlight.api.reserve.ReserveSpec;
import dev.pilotlight.api.spi.InstanceClass;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's run command for a container instance, as Kubernetes would run the container. */
class ContainerSpecsTest {
  static final ContainerEngine PODMAN = new ContainerEngine(Path.of("/usr/bin/podman"), "podman");

  static List<String> run(Container c, InstanceClass cls, ReserveSpec reserve) {
    Revision r = ProcessSpecsTest.revision(c);
    return ContainerSpecs.build(
            r, 41000, PODMAN, "0abc1234", "hello-00001-1", cls, reserve, Path.of("/"))
        .command();
  }

  @Test
  void anImageOnlyRunsItsEntrypointWithKnativesContractOnALoopbackPort() {
    List<String> cmd =
        run(
            new ContainerBuilder().withImage("localhost/hello:1").build(),
            InstanceClass.STANDARD,
            null);
    assertThat(cmd)
        .containsSequence("/usr/bin/podman", "run", "--rm")
        .contains(
            "--name=pilotlight-0abc1234-hello-00001-1-41000",
            "--label=pilotlight.dev/owner=0abc1234",
            "--label=pilotlight.dev/instance=hello-00001-1",
            "--publish=127.0.0.1:41000:8080",
            "--env=PORT=8080",
            "--env=K_SERVICE=hello",
            "--env=K_CONFIGURATION=hello",
            "--env=K_REVISION=hello-00001")
        .endsWith("localhost/hello:1");
    assertThat(cmd).noneMatch(a -> a.startsWith("--entrypoint") || a.startsWith("--memory"));
  }

  @Test
  void commandReplacesTheEntrypointArgsTheCmdEnvExpandsLimitsApply() {
    Container c =
        new ContainerBuilder()
            .withImage("localhost/hello:1")
            .withCommand("/bin/app", "--port=$(PORT)")
            .withArgs("--greeting=$(GREETING)")
            .addNewEnv()
            .withName("GREETING")
            .withValue("hi")
            .endEnv()
            .addNewPort()
            .withContainerPort(9000)
            .endPort()
            .withWorkingDir("/srv")
            .withImagePullPolicy("Never")
            .withNewResources()
            .withLimits(Map.of("memory", new Quantity("64Mi"), "cpu", new Quantity("500m")))
            .endResources()
            .build();
    List<String> cmd = run(c, InstanceClass.STANDARD, null);
    assertThat(cmd)
        .contains(
            "--publish=127.0.0.1:41000:9000",
            "--env=GREETING=hi",
            "--env=PORT=9000",
            "--workdir=/srv",
            "--pull=never",
            "--memory=67108864b",
            "--cpus=0.5",
            "--entrypoint=/bin/app")
        .endsWith("localhost/hello:1", "--port=9000", "--greeting=hi");
  }

  @Test
  void theReserveInstanceGetsThePilotLightsResourcesAsItsLimits() {
    Container c =
        new ContainerBuilder()
            .withImage("localhost/hello:1")
            .withNewResources()
            .withLimits(Map.of("memory", new Quantity("1Gi")))
            .endResources()
            .build();
    ReserveSpec reserve =
        new ReserveSpec(
            1, 1, new ReserveResources("250m", 250, "256Mi", 256L << 20), null, null, null);
    assertThat(run(c, InstanceClass.RESERVE, reserve))
        .contains("--cpus=0.25", "--memory=268435456b", "--env=PILOTLIGHT_INSTANCE_CLASS=reserve");
  }

  @Test
  void whichRevisionsRunAsContainers() {
    Container image = new ContainerBuilder().withImage("x").withCommand("app").build();
    Container noImage = new ContainerBuilder().withCommand("app").build();
    assertThat(LocalRuntimes.container(Map.of(), image)).isTrue();
    assertThat(LocalRuntimes.container(Map.of(LocalRuntimes.ANNOTATION, "process"), image))
        .isFalse();
    assertThat(LocalRuntimes.container(Map.of(), noImage)).isFalse();
  }
}
