package dev.pilotlight.api.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.model.ConfigObject;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.api.validation.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads manifests into validated resources. Accepts {@code serving.pilotlight.dev/v1} and {@code
 * serving.knative.dev/v1}; kinds Service, Configuration, Route; {@code v1} ConfigMaps and Secrets
 * beside them ({@link ConfigObjectReader}); multi-document YAML (empty documents skipped).
 * Namespaces default to {@code default}. All problems of a file are reported together; a file with
 * any problem yields nothing. A file may declare the same object more than once: as {@code kubectl
 * apply -f} does, the declarations apply in order ({@link #stages}).
 */
public final class ManifestReader {
  private static final Set<String> API_VERSIONS =
      Set.of(Resource.API_VERSION, Resource.KNATIVE_API_VERSION);
  private static final Map<String, Class<? extends Resource>> KINDS =
      Map.of(
          Service.KIND,
          Service.class,
          Configuration.KIND,
          Configuration.class,
          Route.KIND,
          Route.class);
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  private final YAMLMapper yaml;
  private final Validator validator;

  public ManifestReader(Validator validator) {
    this.validator = validator;
    this.yaml =
        YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  /** What a manifest declares: serving resources, and the ConfigMaps and Secrets beside them. */
  public record Manifest(List<Resource> resources, List<ConfigObject> configObjects) {
    public Manifest {
      resources = List.copyOf(resources);
      configObjects = List.copyOf(configObjects);
    }
  }

  /** The serving resources of a file (its ConfigMaps and Secrets are read and checked too). */
  public List<Resource> read(Path file) throws ManifestException {
    return readManifest(file).resources();
  }

  /** Reads YAML text's serving resources; {@code source} names it in problems. */
  public List<Resource> read(String text, String source) throws ManifestException {
    return readManifest(text, source).resources();
  }

  public Manifest readManifest(Path file) throws ManifestException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new ManifestException(
            List.of(new ManifestProblem(file.toString(), null, null, "file is larger than 4 MiB")));
      }
      return readManifest(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new ManifestException(
          List.of(
              new ManifestProblem(file.toString(), null, null, "cannot read: " + e.getMessage())));
    }
  }

  /**
   * Reads YAML text: serving resources, and {@code v1} ConfigMaps and Secrets; {@code source} names
   * it in problems (usually the file path).
   */
  public Manifest readManifest(String text, String source) throws ManifestException {
    List<ManifestProblem> problems = new ArrayList<>();
    List<Resource> resources = new ArrayList<>();
    List<ConfigObject> configObjects = new ArrayList<>();
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode node = it.nextValue();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(node);
        }
      }
    } catch (IOException | RuntimeException e) {
      problems.add(new ManifestProblem(source, null, null, "not valid YAML: " + yamlMessage(e)));
      throw new ManifestException(problems);
    }
    for (int i = 0; i < documents.size(); i++) {
      JsonNode node = documents.get(i);
      String doc = documents.size() > 1 ? "document " + (i + 1) : null;
      if (!node.isObject()) {
        problems.add(
            new ManifestProblem(
                source, doc, null, "not a mapping (expected: a Kubernetes-style resource)"));
        continue;
      }
      String apiVersion = node.path("apiVersion").asText(null);
      String kind = node.path("kind").asText(null);
      String name = node.path("metadata").path("name").asText(null);
      if (name == null && node.path("metadata").hasNonNull("generateName")) {
        name = node.path("metadata").path("generateName").asText() + "*";
      }
      String namespace =
          node.path("metadata").path("namespace").asText(ObjectMeta.DEFAULT_NAMESPACE);
      String id = kind != null && name != null ? kind + " " + namespace + "/" + name : doc;
      if (ConfigObjectReader.handles(apiVersion, kind)) {
        ConfigObject o = ConfigObjectReader.read(node, source, id, problems);
        if (o != null) {
          configObjects.add(o);
        }
        continue;
      }
      if (apiVersion == null || !API_VERSIONS.contains(apiVersion)) {
        problems.add(
            new ManifestProblem(
                source,
                id,
                "apiVersion",
                (apiVersion == null ? "required" : "\"" + apiVersion + "\"")
                    + " (expected: serving.pilotlight.dev/v1 or serving.knative.dev/v1"
                    + ("v1".equals(apiVersion) ? "; v1 for a ConfigMap or Secret)" : ")")));
        continue;
      }
      Class<? extends Resource> type = kind == null ? null : KINDS.get(kind);
      if (type == null) {
        problems.add(
            new ManifestProblem(
                source,
                id,
                "kind",
                (kind == null ? "required" : "\"" + kind + "\"")
                    + " (expected: one of Service, Configuration, Route)"));
        continue;
      }
      Resource resource;
      try {
        resource = normalize(yaml.treeToValue(node, type));
      } catch (JsonProcessingException | IllegalArgumentException e) {
        problems.add(bindingProblem(source, id, e));
        continue;
      }
      List<Violation> violations = validator.validate(resource);
      for (Violation v : violations) {
        problems.add(new ManifestProblem(source, id, v.field(), v.message()));
      }
      if (violations.isEmpty()) {
        resources.add(resource);
      }
    }
    if (!problems.isEmpty()) {
      throw new ManifestException(problems);
    }
    return new Manifest(resources, configObjects);
  }

  /**
   * The states a file's resources pass through when applied in order, as {@code kubectl apply -f}
   * applies its documents one by one: one stage when every object is declared once, else a new
   * stage each time an object is declared again (each stage holds every object as last declared so
   * far, in first-declaration order).
   */
  public static List<List<Resource>> stages(List<Resource> resources) {
    List<List<Resource>> stages = new ArrayList<>();
    Map<String, Resource> current = new java.util.LinkedHashMap<>();
    for (Resource r : resources) {
      String key = r.kind() + " " + r.namespace() + "/" + r.name();
      if (current.containsKey(key)) {
        stages.add(List.copyOf(current.values()));
      }
      current.put(key, r);
    }
    stages.add(List.copyOf(current.values()));
    return List.copyOf(stages);
  }

  private static Resource normalize(Resource r) {
    if (r.metadata() == null) {
      return r; // validation reports the missing name
    }
    ObjectMeta m = r.metadata().normalized(ObjectMeta.DEFAULT_NAMESPACE);
    if (r instanceof Service s) {
      return new Service(s.apiVersion(), s.kind(), m, s.spec());
    } else if (r instanceof Configuration c) {
      return new Configuration(c.apiVersion(), c.kind(), m, c.spec());
    } else if (r instanceof Route rt) {
      return new Route(rt.apiVersion(), rt.kind(), m, rt.spec());
    }
    throw new IllegalStateException("unknown resource " + r);
  }

  private static ManifestProblem bindingProblem(String source, String id, Exception e) {
    Throwable cause =
        e instanceof IllegalArgumentException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof JsonMappingException jme) {
      String field = path(jme.getPath());
      String message;
      if (jme instanceof UnrecognizedPropertyException u) {
        message = "unknown field \"" + u.getPropertyName() + "\"";
        field = field.isEmpty() ? u.getPropertyName() : field;
      } else if (jme instanceof InvalidFormatException f) {
        message = "\"" + f.getValue() + "\" is not " + typeName(f.getTargetType());
      } else if (jme instanceof MismatchedInputException m) {
        message = "wrong type (expected: " + typeName(m.getTargetType()) + ")";
      } else {
        message = jme.getOriginalMessage();
      }
      return new ManifestProblem(source, id, field.isEmpty() ? null : field, message);
    }
    return new ManifestProblem(source, id, null, String.valueOf(cause.getMessage()));
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping";
    }
    return "a " + type.getSimpleName();
  }

  private static String yamlMessage(Exception e) {
    if (e instanceof JsonProcessingException jpe) {
      JsonLocation loc = jpe.getLocation();
      String msg = jpe.getOriginalMessage();
      int nl = msg.indexOf('\n');
      msg = nl > 0 ? msg.substring(0, nl) : msg;
      return loc == null
          ? msg
          : msg + " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
    return String.valueOf(e.getMessage());
  }
}
