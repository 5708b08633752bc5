package dev.pilotlight.api.model;

import io.fabric8.kubernetes.api.model.Container;
import java.util.Map;

/**
 * How local mode runs a revision's instances: as a container of its image (through Podman or
 * Docker) when the serving container names an image, unless the template is annotated {@value
 * #ANNOTATION}{@code : process}; as a host process of its {@code command} otherwise. Kubernetes
 * ignores the annotation.
 */
public final class LocalRuntimes {
  public static final String ANNOTATION = "pilotlight.dev/local-runtime";
  public static final String PROCESS = "process";
  public static final String CONTAINER = "container";

  private LocalRuntimes() {}

  /**
   * Whether a revision with these template annotations and serving container runs as a container.
   */
  public static boolean container(Map<String, String> annotations, Container serving) {
    if (serving == null || serving.getImage() == null || serving.getImage().isBlank()) {
      return false;
    }
    return !PROCESS.equals(annotations.get(ANNOTATION));
  }

  public static boolean container(Revision revision) {
    return container(revision.annotations(), revision.spec().container());
  }
}
