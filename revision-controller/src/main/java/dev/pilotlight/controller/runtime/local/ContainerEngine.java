package dev.pilotlight.controller.runtime.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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

  /**
   * Runs this engine's CLI with {@code args} and returns its standard output's lines, trimmed,
   * blank ones dropped; empty when it fails, or when it takes longer than {@code timeout} (then it
   * is killed). Its standard error (warnings) is discarded, so a warning is never taken for output.
   * The output goes through a file, so a hung engine is bounded by the wait, not by a blocked read.
   */
  public List<String> output(List<String> args, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(args);
    Path out = null;
    try {
      out = Files.createTempFile("pilotlight-engine", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return List.of();
      }
      if (p.exitValue() != 0) {
        return List.of();
      }
      return Files.readAllLines(out, StandardCharsets.UTF_8).stream()
          .map(String::trim)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temp file left behind
        }
      }
    }
  }

  /** What to tell a user whose revision needs an engine this machine does not have. */
  public static String missing() {
    return "its image runs as a container, and neither podman nor docker is on PATH: install podman"
        + " (or docker), or annotate the template pilotlight.dev/local-runtime: process to run its"
        + " command as a host process";
  }
}
