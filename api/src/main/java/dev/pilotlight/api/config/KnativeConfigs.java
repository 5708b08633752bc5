package dev.pilotlight.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.autoscaling.DeploymentConfigs;
import dev.pilotlight.api.validation.ValidationException;
import dev.pilotlight.api.validation.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Knative's serving ConfigMaps read from files, as {@code pilotlight local --config} and {@code
 * pilotlight validate --config} take them: any number of files or directories (their {@code
 * *.yaml}/{@code *.yml}), each file one or more ConfigMap documents, told apart by {@code
 * metadata.name}. Knative's stock files are accepted unchanged: their {@code _example} key is
 * documentation.
 *
 * @param autoscaler config-autoscaler (with config-deployment's progress deadline)
 * @param features config-features
 * @param defaults config-defaults
 * @param singleFiles the file of each ConfigMap that has a file to itself (one that can be watched
 *     and read again alone), by ConfigMap name
 */
public record KnativeConfigs(
    AutoscalerConfig autoscaler,
    Features features,
    ServingDefaults defaults,
    Map<String, Path> singleFiles) {

  public static final KnativeConfigs DEFAULTS =
      new KnativeConfigs(
          AutoscalerConfig.DEFAULTS, Features.DEFAULTS, ServingDefaults.DEFAULTS, Map.of());

  public KnativeConfigs {
    singleFiles = Map.copyOf(singleFiles);
  }

  public static final String AUTOSCALER = "config-autoscaler";
  public static final String FEATURES = "config-features";
  public static final String DEFAULTS_NAME = "config-defaults";

  /** ConfigMaps Knative reads that mean nothing to local mode; accepted only with no settings. */
  private static final Set<String> UNUSED_LOCALLY =
      Set.of("config-network", "config-gc", "config-observability", "config-logging");

  private static final Set<String> KNOWN =
      Set.of(AUTOSCALER, FEATURES, DEFAULTS_NAME, DeploymentConfigs.CONFIG_MAP);

  /**
   * Reads the ConfigMaps in {@code paths} (files, or directories of YAML files); throws {@link
   * ValidationException} listing every problem, each field as {@code FILE: ConfigMap NAME:
   * data.KEY}.
   */
  public static KnativeConfigs read(List<Path> paths) throws IOException {
    List<Violation> v = new ArrayList<>();
    Map<String, Map<String, String>> byName = new LinkedHashMap<>();
    Map<String, Path> from = new LinkedHashMap<>();
    Map<String, Path> single = new LinkedHashMap<>();
    for (Path file : files(paths, v)) {
      List<JsonNode> docs = new ArrayList<>();
      try (MappingIterator<JsonNode> it =
          new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(file))) {
        while (it.hasNextValue()) {
          JsonNode n = it.nextValue();
          if (n != null && !n.isNull() && !n.isMissingNode()) {
            docs.add(n);
          }
        }
      } catch (IOException | RuntimeException e) {
        v.add(
            new Violation(
                file.toString(),
                "not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
        continue;
      }
      for (JsonNode doc : docs) {
        String name = doc.path("metadata").path("name").asText("");
        if (!"ConfigMap".equals(doc.path("kind").asText())) {
          v.add(
              new Violation(
                  file + ": kind", "\"" + doc.path("kind").asText() + "\" (expected: ConfigMap)"));
          continue;
        }
        Map<String, String> data = new LinkedHashMap<>();
        doc.path("data")
            .fields()
            .forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        if (UNUSED_LOCALLY.contains(name)) {
          for (String key : data.keySet()) {
            if (!key.equals("_example")) {
              v.add(
                  new Violation(
                      file + ": ConfigMap " + name + ": data." + key,
                      "set (expected: only _example: local mode does not use " + name + ")"));
            }
          }
          continue;
        }
        if (!KNOWN.contains(name)) {
          v.add(
              new Violation(
                  file + ": metadata.name",
                  "\""
                      + name
                      + "\" (expected: one of config-autoscaler, config-defaults, config-features,"
                      + " config-deployment)"));
          continue;
        }
        if (from.containsKey(name)) {
          v.add(
              new Violation(
                  file + ": metadata.name",
                  "\"" + name + "\" is also given in " + from.get(name) + " (expected: once)"));
          continue;
        }
        from.put(name, file);
        byName.put(name, data);
        if (docs.size() == 1) {
          single.put(name, file);
        }
      }
    }
    AutoscalerConfig autoscaler = AutoscalerConfig.DEFAULTS;
    Features features = Features.DEFAULTS;
    ServingDefaults defaults = ServingDefaults.DEFAULTS;
    try {
      if (byName.containsKey(AUTOSCALER)) {
        autoscaler = AutoscalerConfigs.fromData(byName.get(AUTOSCALER));
      }
    } catch (ValidationException e) {
      prefixed(e, from.get(AUTOSCALER), AUTOSCALER, v);
    }
    try {
      if (byName.containsKey(DeploymentConfigs.CONFIG_MAP)) {
        autoscaler =
            autoscaler.withProgressDeadline(
                DeploymentConfigs.progressDeadline(byName.get(DeploymentConfigs.CONFIG_MAP)));
      }
    } catch (ValidationException e) {
      prefixed(e, from.get(DeploymentConfigs.CONFIG_MAP), DeploymentConfigs.CONFIG_MAP, v);
    }
    try {
      if (byName.containsKey(FEATURES)) {
        features = Features.fromData(byName.get(FEATURES));
      }
    } catch (ValidationException e) {
      prefixed(e, from.get(FEATURES), FEATURES, v);
    }
    try {
      if (byName.containsKey(DEFAULTS_NAME)) {
        defaults = ServingDefaults.fromData(byName.get(DEFAULTS_NAME));
      }
    } catch (ValidationException e) {
      prefixed(e, from.get(DEFAULTS_NAME), DEFAULTS_NAME, v);
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return new KnativeConfigs(autoscaler, features, defaults, single);
  }

  private static void prefixed(ValidationException e, Path file, String name, List<Violation> v) {
    for (Violation x : e.violations()) {
      v.add(new Violation(file + ": ConfigMap " + name + ": " + x.field(), x.message()));
    }
  }

  private static List<Path> files(List<Path> paths, List<Violation> v) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
              .sorted()
              .forEach(out::add);
        }
      } else if (Files.isRegularFile(p)) {
        out.add(p);
      } else {
        v.add(new Violation(p.toString(), "no such file or directory"));
      }
    }
    return out;
  }
}
