package dev.pilotlight.api.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The project's own files outside the module ({@code crds/}, {@code examples/}): under the root the
 * build names in {@code pilotlight.projectRoot}, else the nearest directory upwards from the
 * working directory that has {@code crds/} and a {@code pom.xml} (an IDE run).
 */
final class ProjectFiles {
  private ProjectFiles() {}

  static Path root() {
    String configured = System.getProperty("pilotlight.projectRoot");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("crds")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "project root not found: set -Dpilotlight.projectRoot or run below the project's folder");
  }

  /** The {@code *.yaml} files directly in {@code dir} (relative to the root), sorted. */
  static List<Path> yamlFiles(String dir) {
    Path d = root().resolve(dir);
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
