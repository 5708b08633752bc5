package dev.pilotlight.cli.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The manifests of {@code deploy/}, read as fabric8 objects. */
final class DeployFiles {
  private DeployFiles() {}

  /**
   * The project root: {@code pilotlight.projectRoot} as the build sets it, else the nearest
   * directory upwards from the working directory with {@code deploy/} and a {@code pom.xml}.
   */
  static Path root() {
    String configured = System.getProperty("pilotlight.projectRoot");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "project root not found: set -Dpilotlight.projectRoot or run below the project's folder");
  }

  static List<Path> files() {
    try (Stream<Path> s = Files.list(root().resolve("deploy"))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Map<Path, List<HasMetadata>> READ = new ConcurrentHashMap<>();

  /** The objects of one file, in order (read once; callers clone before changing them). */
  static List<HasMetadata> objects(Path file) {
    return READ.computeIfAbsent(file, DeployFiles::read);
  }

  private static List<HasMetadata> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      Object o = Serialization.unmarshal(in);
      List<HasMetadata> out = new ArrayList<>();
      if (o instanceof List<?> list) {
        list.forEach(x -> out.add((HasMetadata) x));
      } else {
        out.add((HasMetadata) o);
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every object of deploy/. */
  static List<HasMetadata> all() {
    return files().stream().flatMap(f -> objects(f).stream()).toList();
  }

  static <T extends HasMetadata> List<T> all(Class<T> type) {
    return all().stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  /**
   * Paths of fields fabric8 kept as additional properties, i.e. names its model does not know: a
   * misspelt field (readOnlyRootFileSystem) that the API server would drop or refuse.
   */
  static List<String> unknownFields(Object o, String path) {
    List<String> out = new ArrayList<>();
    if (o instanceof KubernetesResource r) {
      try {
        for (Method m : r.getClass().getMethods()) {
          if (m.getParameterCount() != 0 || !m.getName().startsWith("get")) {
            continue;
          }
          if (m.getName().equals("getAdditionalProperties")) {
            if (m.invoke(r) instanceof Map<?, ?> extra) {
              extra.keySet().forEach(k -> out.add(path + "." + k));
            }
          } else if (m.getDeclaringClass().getPackageName().startsWith("io.fabric8.kubernetes")) {
            out.addAll(unknownFields(m.invoke(r), path + "." + m.getName().substring(3)));
          }
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    } else if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        out.addAll(unknownFields(list.get(i), path + "[" + i + "]"));
      }
    } else if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> out.addAll(unknownFields(v, path + "[" + k + "]")));
    }
    return out;
  }
}
