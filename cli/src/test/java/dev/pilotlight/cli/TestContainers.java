package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pilotlight.controller.runtime.local.ContainerEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The container engine the container ITs drive (Podman here; CI installs it), and their test
 * images: built locally {@code FROM scratch} with the machine's static busybox at {@code
 * /bin/busybox}, since no registry is reachable. A test class calls {@link #engine()} first: it
 * skips the class, saying why, where no engine or no static busybox is there.
 */
final class TestContainers {
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  private TestContainers() {}

  /** The engine on {@code PATH}; skips the calling test where there is none, or no busybox. */
  static ContainerEngine engine() {
    Optional<ContainerEngine> found = ContainerEngine.find("auto", System.getenv());
    assumeTrue(
        found.isPresent(),
        "no container engine (podman or docker) on PATH: container instances cannot run here");
    assumeTrue(Files.isExecutable(BUSYBOX), "no static busybox to build the test image from");
    return found.get();
  }

  /**
   * Builds {@code tag} from scratch in {@code build}: busybox at {@code /bin/busybox}, {@code
   * files} (path in the image → content; executable under a {@code cgi-bin} directory), and {@code
   * entrypoint} (the Containerfile's exec form, e.g. {@code ["/bin/busybox", "sh"]}).
   */
  static void buildImage(String tag, Path build, Map<String, String> files, String entrypoint)
      throws IOException, InterruptedException {
    Path root = build.resolve("root");
    Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("tmp"));
    Files.copy(BUSYBOX, root.resolve("bin/busybox"));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = root.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
      if (f.getKey().contains("cgi-bin/")) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Files.writeString(
        build.resolve("Containerfile"),
        "FROM scratch\nCOPY root/ /\nENTRYPOINT " + entrypoint + "\n");
    assertThat(
            run(
                List.of(
                    "build",
                    "-t",
                    tag,
                    "-f",
                    build.resolve("Containerfile").toString(),
                    build.toString())))
        .as("image %s built", tag)
        .isNotNull();
  }

  /** Runs the engine's CLI (bounded: 180 s); returns its output, or null if it failed. */
  static String run(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(engine().executable().toString());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
    return p.exitValue() == 0 ? out : null;
  }

  /** The owner label of a container: the state directory's id of the run that made it. */
  static String ownerOf(String container) throws IOException, InterruptedException {
    return run(List.of(
            "inspect",
            "--format",
            "{{index .Config.Labels \"" + ContainerEngine.OWNER_LABEL + "\"}}",
            container))
        .trim();
  }

  /** The containers, running or not, that the run with {@code owner} left; blank when none. */
  static String leftBy(String owner) throws IOException, InterruptedException {
    return run(
        List.of(
            "ps", "-a", "-q", "--filter", "label=" + ContainerEngine.OWNER_LABEL + "=" + owner));
  }
}
