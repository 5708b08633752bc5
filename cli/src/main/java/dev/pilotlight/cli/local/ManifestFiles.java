package dev.pilotlight.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands the FILE|DIR arguments: a directory stands for its *.yaml and *.yml files, sorted by
 * name.
 */
public final class ManifestFiles {
  private ManifestFiles() {}

  /** The files found, and one problem line per argument that is neither a file nor a directory. */
  public record Expansion(List<Path> files, List<String> problems) {}

  public static Expansion expand(List<Path> args) {
    List<Path> files = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path arg : args) {
      if (Files.isDirectory(arg)) {
        try (Stream<Path> list = Files.list(arg)) {
          list.filter(p -> Files.isRegularFile(p) && isYaml(p)).sorted().forEach(files::add);
        } catch (IOException e) {
          problems.add(arg + ": cannot list directory: " + e.getMessage());
        }
      } else if (Files.isRegularFile(arg)) {
        files.add(arg);
      } else {
        problems.add(arg + ": no such file or directory");
      }
    }
    return new Expansion(List.copyOf(files), List.copyOf(problems));
  }

  static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }
}
