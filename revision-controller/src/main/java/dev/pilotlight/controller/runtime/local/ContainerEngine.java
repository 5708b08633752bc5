package dev.pilotlight.controller.runtime.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The container engine local mode drives through its CLI: Podman (preferred: daemonless, rootless)
 * or Docker, found on {@code PATH} or named. Both take the same {@code run}, {@code stop}, {@code
 * rm} and {@code ps} arguments used here.
 *
 * @param executable the engine's CLI
 * @param name {@code podman} or {@code docker} (what the CLI speaks)
 */
public record ContainerEngine(Path executable, String name) {
  /** The label every container this engine runs for Pilotlight carries: its owner's id. */
  public static final String OWNER_LABEL = "pilotlight.dev/owner";

  /** The label naming the instance a container is. */
  public static final String INSTANCE_LABEL = "pilotlight.dev/instance";

  /**
   * {@code choice}: {@code podman}, {@code docker}, a path to either, or null/{@code auto} for the
   * first of podman and docker on {@code PATH}; empty when none is there.
   *
   * @throws IllegalArgumentException for a named engine that is not found
   */
  public static Optional<ContainerEngine> find(String choice, Map<String, String> env) {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    if (choice == null || choice.isBlank() || choice.equals("auto")) {
      for (String n : new String[] {"podman", "docker"}) {
        Optional<Path> p = onPath(n, path);
        if (p.isPresent()) {
          return Optional.of(new ContainerEngine(p.get(), n));
        }
      }
      return Optional.empty();
    }
    Path given =
        choice.contains(File.separator)
            ? Path.of(choice)
            : onPath(choice, path)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--container-engine " + choice + ": not found on PATH"));
    if (!Files.isExecutable(given)) {
      throw new IllegalArgumentException("--container-engine " + choice + ": not executable");
    }
    String file = given.getFileName().toString();
    return Optional.of(new ContainerEngine(given, file.contains("docker") ? "docker" : "podman"));
  }

  private static Optional<Path> onPath(String name, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir).resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** What to tell a user whose revision needs an engine this machine does not have. */
  public static String missing() {
    return "its image runs as a container, and neither podman nor docker is on PATH: install podman"
        + " (or docker), or annotate the template pilotlight.dev/local-runtime: process to run its"
        + " command as a host process";
  }
}
