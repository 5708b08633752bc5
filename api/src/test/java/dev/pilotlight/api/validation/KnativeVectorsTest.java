package dev.pilotlight.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.autoscaling.AutoscalerConfigs;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestProblem;
import dev.pilotlight.api.manifest.ManifestReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's own validation test vectors ({@code src/test/resources/knative-vectors}): each input
 * with Knative's verdict, run through Pilotlight's validator in Kubernetes mode. Pilotlight agrees
 * on at least 95% of them; where it deliberately does not, the vector is listed in {@link
 * #DELIBERATE} with the reason (the README's "Knative compatibility" section says the same).
 */
class KnativeVectorsTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Vectors where Pilotlight deliberately gives another verdict, with the reason. */
  static final Map<String, String> DELIBERATE =
      Map.ofEntries(
          Map.entry(
              "autoscaling: hpa class with cpu metric",
              "Pilotlight has no HPA: an hpa-class revision would not be scaled by its metric"),
          Map.entry(
              "autoscaling: hpa class with memory metric",
              "Pilotlight has no HPA: an hpa-class revision would not be scaled by its metric"),
          Map.entry(
              "autoscaling: non-knative.dev domain class",
              "only the KPA exists here: a revision of another class would not be scaled at all"),
          Map.entry(
              "service: allow unknown uses of serving.knative.dev prefix for annotations",
              "an unknown key under a prefix Knative owns is refused: a typo would silently do"
                  + " nothing"),
          Map.entry(
              "template: valid networking.knative.dev/ingress.class annotation",
              "Pilotlight's gateway is the only ingress: a revision cannot pick another one"),
          Map.entry(
              "template: valid value for Queue sidecar resource percentage annotation",
              "there is no queue-proxy: its resources cannot be honoured"),
          Map.entry(
              "service: valid rollout duration",
              "no gradual rollout: traffic moves at once, so a rollout duration is refused"),
          Map.entry(
              "route: valid rollout duration",
              "no gradual rollout: traffic moves at once, so a rollout duration is refused"));

  record Vector(String file, String name, String verdict, JsonNode node) {
    @Override
    public String toString() {
      return file + ": " + name;
    }
  }

  record Outcome(Vector vector, List<ManifestProblem> problems) {
    boolean accepted() {
      return problems.isEmpty();
    }

    boolean agrees() {
      return accepted() == vector.verdict().equals("valid");
    }
  }

  static List<Vector> vectors() throws IOException, URISyntaxException {
    Path dir = Path.of(KnativeVectorsTest.class.getResource("/knative-vectors").toURI());
    List<Vector> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          for (JsonNode v : YAML.readTree(in)) {
            out.add(
                new Vector(
                    f.getFileName().toString(),
                    v.path("name").asText(),
                    v.path("knative").asText(),
                    v));
          }
        }
      }
    }
    return out;
  }

  static Outcome run(Vector v) {
    JsonNode n = v.node();
    AutoscalerConfig autoscaler =
        n.has("autoscaler")
            ? AutoscalerConfigs.fromData(strings(n.get("autoscaler")))
            : AutoscalerConfig.DEFAULTS;
    Features features =
        n.has("features") ? Features.fromData(strings(n.get("features"))) : Features.DEFAULTS;
    ServingDefaults defaults =
        n.has("defaults")
            ? ServingDefaults.fromData(strings(n.get("defaults")))
            : ServingDefaults.DEFAULTS;
    // a reader per configuration: a new mapper builds its deserializers for fabric8's types anew
    ManifestReader reader =
        READERS.computeIfAbsent(
            n.path("autoscaler").toString() + n.path("features") + n.path("defaults"),
            k ->
                new ManifestReader(
                    new Validator(
                        new Validator.Settings(
                            autoscaler, features, defaults, Validator.Mode.KUBERNETES))));
    String yaml;
    try {
      yaml = YAML.writeValueAsString(manifest(n));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      reader.read(yaml, v.file());
      return new Outcome(v, List.of());
    } catch (ManifestException e) {
      return new Outcome(v, e.problems());
    }
  }

  private static final Map<String, ManifestReader> READERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The vector's input as a whole manifest. */
  static JsonNode manifest(JsonNode n) {
    for (String kind : List.of("service", "configuration", "route")) {
      if (n.has(kind)) {
        ObjectNode o = F.objectNode();
        o.put("apiVersion", "serving.knative.dev/v1");
        o.put("kind", Character.toUpperCase(kind.charAt(0)) + kind.substring(1));
        o.setAll((ObjectNode) n.get(kind).deepCopy());
        return o;
      }
    }
    ObjectNode template = F.objectNode();
    if (n.has("template")) {
      template.setAll((ObjectNode) n.get("template").deepCopy());
    } else {
      ObjectNode spec = template.putObject("spec");
      if (n.has("podSpec")) {
        spec.setAll((ObjectNode) n.get("podSpec").deepCopy());
      } else if (n.has("container")) {
        spec.putArray("containers").add(n.get("container").deepCopy());
      } else {
        spec.putArray("containers").addObject().put("image", "busybox");
      }
      if (n.has("annotations")) {
        template.putObject("metadata").set("annotations", n.get("annotations").deepCopy());
      }
    }
    ObjectNode service = F.objectNode();
    service.put("apiVersion", "serving.knative.dev/v1");
    service.put("kind", "Service");
    service.putObject("metadata").put("name", "valid");
    service.putObject("spec").set("template", template);
    return service;
  }

  static Map<String, String> strings(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void agreesWithKnativeOrDiffersDeliberately(Vector v) {
    Outcome o = run(v);
    if (DELIBERATE.containsKey(v.name())) {
      assertThat(o.agrees()).as("a deliberate difference: " + DELIBERATE.get(v.name())).isFalse();
      return;
    }
    assertThat(o.accepted())
        .as(v + " (Knative: " + v.verdict() + "); Pilotlight said: " + o.problems())
        .isEqualTo(v.verdict().equals("valid"));
  }

  /** Every refusal is one line naming the file, the object, the field path and the rule. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void everyRefusalNamesFileObjectFieldAndRule(Vector v) {
    for (ManifestProblem p : run(v).problems()) {
      assertThat(p.source()).isEqualTo(v.file());
      assertThat(p.resource()).as(p.toString()).isNotNull();
      assertThat(p.field()).as(p.toString()).isNotBlank();
      assertThat(p.message()).as(p.toString()).isNotBlank().doesNotContain("\n");
      assertThat(p.message())
          .as(p.toString())
          .matches(
              m -> m.contains("expected") || m.startsWith("required") || m.startsWith("unknown"));
    }
  }

  @Test
  void agreementSummary() throws Exception {
    List<Vector> all = vectors();
    int agree = 0;
    Map<String, Integer> perFile = new LinkedHashMap<>();
    Map<String, Integer> totalPerFile = new LinkedHashMap<>();
    List<String> differ = new ArrayList<>();
    for (Vector v : all) {
      Outcome o = run(v);
      totalPerFile.merge(v.file(), 1, Integer::sum);
      if (o.agrees()) {
        agree++;
        perFile.merge(v.file(), 1, Integer::sum);
      } else {
        differ.add(v + " (Knative: " + v.verdict() + ")");
      }
    }
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "Knative's validation vectors: %d of %d give Knative's verdict (%.1f%%)%n",
            agree, all.size(), 100.0 * agree / all.size()));
    totalPerFile.forEach(
        (f, t) ->
            report.append(String.format("  %-28s %d of %d%n", f, perFile.getOrDefault(f, 0), t)));
    differ.forEach(d -> report.append("  differs: ").append(d).append('\n'));
    System.out.print(report);
    assertThat(all).hasSizeGreaterThan(250);
    assertThat((double) agree / all.size()).as(report.toString()).isGreaterThanOrEqualTo(0.95);
    assertThat(Set.copyOf(DELIBERATE.keySet()))
        .as("every deliberate difference names a vector")
        .isSubsetOf(all.stream().map(Vector::name).toList());
  }
}
