package dev.pilotlight.api.autoscaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knative's progress deadline: how long a new revision's instances get to become ready before its
 * autoscaler lets it go (and, on Kubernetes, its Deployment's {@code progressDeadlineSeconds}). Per
 * revision the template annotation {@code serving.knative.dev/progress-deadline}, else the {@code
 * progress-deadline} key of Knative's {@code config-deployment} ConfigMap, else 600s (Kubernetes'
 * own default). Only that key of config-deployment means something to Pilotlight; its other keys
 * are about Knative's queue-proxy sidecar and image resolution, which Pilotlight does not have, and
 * are read by nothing.
 */
public final class DeploymentConfigs {
  public static final String CONFIG_MAP = "config-deployment";
  public static final String PROGRESS_DEADLINE_KEY = "progress-deadline";

  /** Knative's older spelling of the ConfigMap key, still read by Knative. */
  public static final String PROGRESS_DEADLINE_LEGACY_KEY = "progressDeadline";

  public static final String PROGRESS_DEADLINE_ANNOTATION = "serving.knative.dev/progress-deadline";
  public static final Duration PROGRESS_DEADLINE_DEFAULT = Duration.ofSeconds(600);

  private DeploymentConfigs() {}

  /**
   * config-deployment's progress deadline from its {@code data}, Knative's rules: a Go duration,
   * positive, whole seconds. Throws {@link ValidationException} naming {@code data.<key>}.
   */
  public static Duration progressDeadline(Map<String, String> data) {
    List<Violation> v = new ArrayList<>();
    String key = PROGRESS_DEADLINE_KEY;
    if (data.containsKey(PROGRESS_DEADLINE_LEGACY_KEY)) {
      if (data.containsKey(PROGRESS_DEADLINE_KEY)) {
        throw new ValidationException(
            List.of(
                new Violation(
                    "data." + PROGRESS_DEADLINE_KEY,
                    "given twice, as "
                        + PROGRESS_DEADLINE_KEY
                        + " and as its older spelling "
                        + PROGRESS_DEADLINE_LEGACY_KEY
                        + " (expected: only one of them)")));
      }
      key = PROGRESS_DEADLINE_LEGACY_KEY;
    }
    String text = data.get(key);
    if (text == null) {
      return PROGRESS_DEADLINE_DEFAULT;
    }
    Duration d = check(text, "data." + key, v);
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return d;
  }

  /**
   * config-deployment's progress deadline from a file holding the ConfigMap ({@code kind:
   * ConfigMap}, {@code metadata.name: config-deployment}, {@code data}); problems are {@link
   * ValidationException}s naming the file.
   */
  public static Duration read(Path file) throws IOException {
    JsonNode node = new YAMLMapper().readTree(Files.readString(file));
    if (node == null || !node.isObject()) {
      throw new ValidationException(
          List.of(new Violation(file.toString(), "not a ConfigMap (expected: a YAML mapping)")));
    }
    List<Violation> v = new ArrayList<>();
    if (!"ConfigMap".equals(node.path("kind").asText())) {
      v.add(
          new Violation(
              file + ": kind", "\"" + node.path("kind").asText() + "\" (expected: ConfigMap)"));
    }
    if (!CONFIG_MAP.equals(node.path("metadata").path("name").asText())) {
      v.add(
          new Violation(
              file + ": metadata.name",
              "\""
                  + node.path("metadata").path("name").asText()
                  + "\" (expected: "
                  + CONFIG_MAP
                  + ")"));
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    Map<String, String> data = new LinkedHashMap<>();
    node.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    try {
      return progressDeadline(data);
    } catch (ValidationException e) {
      throw new ValidationException(
          e.violations().stream()
              .map(x -> new Violation(file + ": " + x.field(), x.message()))
              .toList());
    }
  }

  /**
   * A progress deadline as written (annotation or ConfigMap value): a Go duration, positive, whole
   * seconds. Knative's webhook lets an annotation of 0s through, which Kubernetes then refuses as
   * the Deployment's progressDeadlineSeconds; Pilotlight refuses it up front, as Knative's
   * config-deployment does. Returns null after recording a violation.
   */
  static Duration check(String text, String field, List<Violation> v) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      v.add(
          new Violation(
              field, "\"" + text + "\" (expected: a duration such as 600s or 10m, positive)"));
      return null;
    }
    if (d.getNano() != 0) {
      v.add(
          new Violation(
              field, "\"" + text + "\" is not at second precision (expected: whole seconds)"));
      return null;
    }
    if (d.isZero()) {
      v.add(new Violation(field, "\"" + text + "\" (expected: a positive duration)"));
      return null;
    }
    return d;
  }
}
