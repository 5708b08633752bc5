package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.model.Revision;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.RevisionKey;
import dev.pilotlight.api.time.Backoff;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSpecsTest {
  @TempDir Path dir;

  static Revision revision(Container c) {
    return new Revision(
        new RevisionKey("default", "hello-00001"),
        "hello",
        "hello",
        1,
        "h",
        Map.of(),
        Map.of(),
        new RevisionSpec(List.of(c), null, null, null, null),
        Instant.EPOCH);
  }

  @Test
  void expandsLikeKubernetes() {
    Map<String, String> vars = Map.of("A", "1", "PORT", "8080");
    assertThat(ProcessSpecs.expand("$(A)-$(PORT)", vars)).isEqualTo("1-8080");
    assertThat(ProcessSpecs.expand("$(MISSING)", vars)).isEqualTo("$(MISSING)");
    assertThat(ProcessSpecs.expand("$$(A)", vars)).isEqualTo("$(A)");
    assertThat(ProcessSpecs.expand("cost $5 $(A", vars)).isEqualTo("cost $5 $(A");
  }

  @Test
  void environmentAndCommand() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tool = bin.resolve("mytool");
    Files.writeString(tool, "#!/bin/sh\n");
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    Container c =
        new ContainerBuilder()
            .withCommand("mytool")
            .withArgs("--port=$(PORT)", "--greet=$(GREETING)")
            .addNewEnv()
            .withName("GREETING")
            .withValue("hi-$(PARENT)")
            .endEnv()
            .build();
    ProcessSpecs.ProcessSpec spec =
        ProcessSpecs.build(
            revision(c),
            4321,
            Map.of("PATH", "/usr/bin", "PARENT", "p"),
            Map.of("EXTRA", "x"),
            bin,
            dir);
    assertThat(spec.command()).containsExactly(tool.toString(), "--port=4321", "--greet=hi-p");
    assertThat(spec.env())
        .containsEntry("PORT", "4321")
        .containsEntry("K_SERVICE", "hello")
        .containsEntry("K_CONFIGURATION", "hello")
        .containsEntry("K_REVISION", "hello-00001")
        .containsEntry("EXTRA", "x")
        .containsEntry("PATH", bin + ":/usr/bin");
    assertThat(spec.workingDir()).isEqualTo(dir);
  }

  @Test
  void noCommandIsAClearError() {
    assertThatThrownBy(
            () ->
                ProcessSpecs.build(
                    revision(new ContainerBuilder().withImage("nginx").build()),
                    1,
                    Map.of(),
                    Map.of(),
                    dir,
                    dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no command");
  }

  @Test
  void backoffDoublesUpToTheCap() {
    Backoff b = ProcessRuntime.RESTART_BACKOFF;
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.delay(30)).isEqualTo(Duration.ofSeconds(30));
  }

  /** A host process gets env from a Secret and a field, as a container does. */
  @Test
  void aHostProcessGetsEnvFromASecretAndAField() {
    Container c =
        new ContainerBuilder()
            .withCommand("/bin/true")
            .addNewEnv()
            .withName("PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef("password", "creds", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("POD")
            .withNewValueFrom()
            .withNewFieldRef("v1", "metadata.name")
            .endValueFrom()
            .endEnv()
            .build();
    Revision r = revision(c);
    dev.pilotlight.api.model.ConfigObject secret =
        new dev.pilotlight.api.model.ConfigObject(
            dev.pilotlight.api.model.ConfigObject.Kind.SECRET,
            "default",
            "creds",
            Map.of("password", "s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            "Opaque",
            false);
    EnvResolver.Sources sources =
        new EnvResolver.Sources(
            k -> java.util.Optional.of(secret).filter(o -> o.key().equals(k)),
            EnvResolver.Fields.of(r, "hello-00001-3", "laptop"));
    ProcessSpecs.ProcessSpec spec =
        ProcessSpecs.build(
            r,
            1,
            Map.of(),
            Map.of(),
            dir,
            dir,
            dev.pilotlight.api.spi.InstanceClass.STANDARD,
            sources);
    assertThat(spec.env())
        .containsEntry("PASSWORD", "s3cret")
        .containsEntry("POD", "hello-00001-3");
    assertThatThrownBy(
            () ->
                ProcessSpecs.build(
                    r,
                    1,
                    Map.of(),
                    Map.of(),
                    dir,
                    dir,
                    dev.pilotlight.api.spi.InstanceClass.STANDARD,
                    EnvResolver.Sources.none(r, "x")))
        .isInstanceOf(EnvResolver.ConfigError.class)
        .hasMessage("secret \"creds\" not found");
  }
}
