package dev.pilotlight.api.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.validation.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the API server would accept and refuse with the CRDs of {@code crds/}: every example
 * manifest accepted; every schema constraint and CEL rule refusing its case with its message; and
 * the traffic rules agreeing with the local Validator on a table of splits.
 */
class CrdValidationTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<CrdSchema> CRDS = CrdSchema.all();

  static List<JsonNode> documents(String text) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(text)) {
      while (it.hasNextValue()) {
        JsonNode n = it.nextValue();
        if (n != null && n.isObject()) {
          docs.add(n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<CrdSchema.Problem> problems(String yaml) {
    List<JsonNode> docs = documents(yaml);
    assertThat(docs).hasSize(1);
    return problems(docs.get(0));
  }

  static List<CrdSchema.Problem> problems(JsonNode doc) {
    return crdFor(doc).validate(doc);
  }

  static CrdSchema crdFor(JsonNode doc) {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    return CRDS.stream()
        .filter(c -> c.apiVersion().equals(apiVersion) && c.kind().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no CRD for " + apiVersion + " " + kind));
  }

  private static String p(String path, String message) {
    return new CrdSchema.Problem(path, message).toString();
  }

  // ---- examples

  /** Every Pilotlight document of examples/kubernetes/ and of the local examples/. */
  static Stream<Arguments> exampleDocuments() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String dir : List.of("examples/kubernetes", "examples")) {
      for (Path file : ProjectFiles.yamlFiles(dir)) {
        List<JsonNode> docs = documents(Files.readString(file));
        for (int i = 0; i < docs.size(); i++) {
          JsonNode d = docs.get(i);
          if (d.path("apiVersion").asText().endsWith(".pilotlight.dev/v1")) {
            out.add(Arguments.of(dir + "/" + file.getFileName() + " #" + (i + 1), d));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleDocuments")
  void exampleIsAcceptedByItsCrd(String name, JsonNode doc) {
    assertThat(problems(doc)).isEmpty();
  }

  @Test
  void kubernetesExamplesCoverEveryUserKindAndPassTheKubernetesModeValidator() throws Exception {
    List<Path> files = ProjectFiles.yamlFiles("examples/kubernetes");
    assertThat(files.stream().map(f -> f.getFileName().toString()))
        .contains("hello.yaml", "traffic-split.yaml", "pilot-light.yaml");
    List<String> kinds = new ArrayList<>();
    ManifestReader reader = new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, false));
    for (Path f : files) {
      reader.read(f).forEach(r -> kinds.add(r.kind()));
      documents(Files.readString(f))
          .forEach(
              d ->
                  assertThat(d.path("apiVersion").asText()).isEqualTo("serving.pilotlight.dev/v1"));
    }
    assertThat(kinds).contains("Service", "Configuration", "Route");
  }

  @Test
  void localExamplesWithPilotlightApiVersionAreChecked() throws Exception {
    // the local examples are Pilotlight-apiVersion'd, so exampleIsAcceptedByItsCrd covers them
    assertThat(exampleDocuments().map(a -> (String) a.get()[0]))
        .contains("examples/hello.yaml #1", "examples/traffic-split.yaml #3");
  }

  // ---- the three rules the issue names

  private static final String SERVICE =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
          spec:
            containers:
              - image: ghcr.io/example/hello:1
        traffic:
      """;

  private static final String ROUTE =
      """
      apiVersion: serving.pilotlight.dev/v1
      kind: Route
      metadata:
        name: split
      spec:
        traffic:
      """;

  private static String service(String traffic) {
    return SERVICE + traffic.indent(4);
  }

  private static String route(String traffic) {
    return ROUTE + traffic.indent(4);
  }

  @Test
  void baseManifestsOfTheNegativeCasesAreAccepted() {
    assertThat(problems(service("- {latestRevision: true, percent: 100}"))).isEmpty();
    assertThat(problems(route("- {configurationName: blue, percent: 100}"))).isEmpty();
  }

  @Test
  void percentsSummingTo90AreRefused() {
    String message =
        "traffic percents sum to 90 (expected: exactly 100; a target without percent counts as 0)";
    assertThat(
            problems(
                service(
                    """
                    - {revisionName: hello-00001, percent: 40}
                    - {latestRevision: true, percent: 50}
                    """)))
        .map(CrdSchema.Problem::toString)
        .containsExactly(p("spec.traffic", message));
    assertThat(
            problems(
                route(
                    """
                    - {configurationName: blue, percent: 40}
                    - {configurationName: green, percent: 50}
                    """)))
        .map(CrdSchema.Problem::toString)
        .containsExactly(p("spec.traffic", message));
  }

  @Test
  void aMissingPercentCountsAsZero() {
    assertThat(problems(service("- {latestRevision: true}")))
        .map(CrdSchema.Problem::toString)
        .containsExactly(
            p(
                "spec.traffic",
                "traffic percents sum to 0 (expected: exactly 100; a target without percent counts as 0)"));
  }

  @Test
  void aTargetNamingTwoKindsIsRefused() {
    assertThat(
            problems(service("- {revisionName: hello-00001, latestRevision: true, percent: 100}")))
        .map(CrdSchema.Problem::toString)
        .containsExactly(
            p(
                "spec.traffic[0]",
                "latestRevision: true takes no revisionName, latestRevision: false needs one"));
    assertThat(
            problems(route("- {revisionName: blue-00001, configurationName: blue, percent: 100}")))
        .map(CrdSchema.Problem::toString)
        .containsExactly(
            p(
                "spec.traffic[0]",
                "a traffic target names exactly one of revisionName, configurationName or latestRevision: true"
                    + " (configurationName may come with latestRevision: true)"));
  }

  @Test
  void duplicateTagsAreRefused() {
    String message = "traffic tags must be unique (each tag is the host name of one target)";
    assertThat(
            problems(
                service(
                    """
                    - {revisionName: hello-00001, percent: 50, tag: stable}
                    - {latestRevision: true, percent: 50, tag: stable}
                    """)))
        .map(CrdSchema.Problem::toString)
        .containsExactly(p("spec.traffic", message));
    assertThat(
            problems(
                route(
                    """
                    - {configurationName: blue, percent: 100, tag: a}
                    - {configurationName: green, percent: 0, tag: b}
                    - {revisionName: blue-00001, percent: 0, tag: a}
                    """)))
        .map(CrdSchema.Problem::toString)
        .containsExactly(p("spec.traffic", message));
  }

  // ---- every other rule and schema constraint refuses its case

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "configurationName in a Service",
            service("- {configurationName: hello, percent: 100}"),
            List.of(
                p(
                    "spec.traffic[0]",
                    "configurationName is for Routes: a Service's traffic target names revisionName or latestRevision: true"))),
        Arguments.of(
            "latestRevision: false without revisionName (Route)",
            route("- {configurationName: blue, latestRevision: false, percent: 100}"),
            List.of(p("spec.traffic[0]", "latestRevision: false needs revisionName"))),
        Arguments.of(
            "latestRevision: true without configurationName (Route)",
            route("- {latestRevision: true, percent: 100}"),
            List.of(
                p("spec.traffic[0]", "latestRevision: true needs configurationName on a Route"))),
        Arguments.of(
            "a template name without the Service's prefix",
            SERVICE.replace(
                    "    spec:\n      containers",
                    "    metadata: {name: v2}\n    spec:\n      containers")
                + "    - {latestRevision: true, percent: 100}\n",
            List.of(
                p(
                    "",
                    "spec.template.metadata.name names the revision and must start with the Service's name and '-'"))),
        Arguments.of(
            "a template name without the Configuration's prefix",
            """
            apiVersion: serving.pilotlight.dev/v1
            kind: Configuration
            metadata: {name: blue}
            spec:
              template:
                metadata: {name: green-1}
                spec:
                  containers: [{image: x}]
            """,
            List.of(
                p(
                    "",
                    "spec.template.metadata.name names the revision and must start with the Configuration's name and '-'"))),
        Arguments.of(
            "a name that is no DNS-1035 label",
            route("- {configurationName: blue, percent: 100}")
                .replace("name: split", "name: 1split"),
            List.of(
                p(
                    "",
                    "metadata.name must be a DNS-1035 label: lower case letters, digits and '-', starting with a"
                        + " letter, at most 63 characters (it becomes part of host names)"))),
        Arguments.of(
            "responseStartTimeoutSeconds above timeoutSeconds",
            SERVICE.replace(
                    "    spec:\n      containers",
                    "    spec:\n      timeoutSeconds: 60\n      responseStartTimeoutSeconds: 61\n      containers")
                + "    - {latestRevision: true, percent: 100}\n",
            List.of(
                p(
                    "spec.template.spec",
                    "responseStartTimeoutSeconds must be at most timeoutSeconds (default 300)"))),
        Arguments.of(
            "idleTimeoutSeconds above the default timeout",
            SERVICE.replace(
                    "    spec:\n      containers",
                    "    spec:\n      idleTimeoutSeconds: 301\n      containers")
                + "    - {latestRevision: true, percent: 100}\n",
            List.of(
                p(
                    "spec.template.spec",
                    "idleTimeoutSeconds must be at most timeoutSeconds (default 300)"))),
        Arguments.of(
            "a percent above 100",
            service("- {latestRevision: true, percent: 101}"),
            List.of(
                p("spec.traffic[0].percent", "must have a maximum value of 100"),
                p(
                    "spec.traffic",
                    "traffic percents sum to 101 (expected: exactly 100; a target without percent counts as 0)"))),
        Arguments.of(
            "a tag that is no DNS label",
            service("- {latestRevision: true, percent: 100, tag: Canary}"),
            List.of(
                p(
                    "spec.traffic[0].tag",
                    "does not match the regex pattern ^[a-z]([-a-z0-9]*[a-z0-9])?$"))),
        Arguments.of(
            "a port name other than http1 and h2c",
            SERVICE.replace(
                    "- image: ghcr.io/example/hello:1",
                    "- image: a\n          ports: [{name: http, containerPort: 8080}]")
                + "    - {latestRevision: true, percent: 100}\n",
            List.of(
                p(
                    "spec.template.spec.containers[0].ports[0].name",
                    "does not have a value in the enumeration [\"http1\", \"h2c\"]"))),
        Arguments.of(
            "a misspelt field",
            SERVICE.replace(
                    "- image: ghcr.io/example/hello:1",
                    "- image: a\n          imagePullPolicey: Always")
                + "    - {latestRevision: true, percent: 100}\n",
            List.of(
                p(
                    "spec.template.spec.containers[0]",
                    "property 'imagePullPolicey' is not defined in the schema and the schema does not allow additional properties"))),
        Arguments.of(
            "a Route without traffic",
            ROUTE.replace("  traffic:\n", "  traffic: []\n"),
            List.of(
                p("spec.traffic", "must have at least 1 items but found 0"),
                p(
                    "spec.traffic",
                    "traffic percents sum to 0 (expected: exactly 100; a target without percent counts as 0)"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void refusedWithItsMessage(String name, String yaml, List<String> expected) {
    assertThat(problems(yaml)).map(CrdSchema.Problem::toString).containsExactlyElementsOf(expected);
  }

  // ---- transition rule

  @Test
  void aRevisionsSpecIsImmutableItsStatusIsNot() {
    String revision =
        """
        apiVersion: serving.pilotlight.dev/v1
        kind: Revision
        metadata:
          name: hello-00001
          labels: {serving.knative.dev/configuration: hello}
        spec:
          containerConcurrency: 4
          containers: [{image: "ghcr.io/example/hello:1"}]
        """;
    JsonNode old = documents(revision).get(0);
    CrdSchema crd = crdFor(old);
    assertThat(crd.validate(old)).isEmpty();

    ObjectNode statusOnly = old.deepCopy();
    statusOnly.putObject("status").put("actualReplicas", 2).put("desiredReplicas", 3);
    assertThat(crd.validateUpdate(statusOnly, old)).isEmpty();

    ObjectNode newImage = old.deepCopy();
    ((ObjectNode) newImage.at("/spec/containers/0")).put("image", "ghcr.io/example/hello:2");
    assertThat(crd.validateUpdate(newImage, old))
        .map(CrdSchema.Problem::toString)
        .containsExactly(
            p(
                "spec",
                "spec is immutable: a Revision is a snapshot (change the Configuration's template to stamp a new one)"));
    // on create there is no old object: the rule does not apply
    assertThat(crd.validate(newImage)).isEmpty();
  }

  // ---- the server agrees with the local Validator

  static Stream<Arguments> splits() {
    return Stream.of(
            // Service traffic
            "S",
            "S - {latestRevision: true, percent: 100}",
            "S - {latestRevision: true}",
            "S - {revisionName: hello-00001, latestRevision: false, percent: 100}",
            "S - {revisionName: hello-00001, percent: 60}\n- {latestRevision: true, percent: 40, tag: next}",
            "S - {configurationName: hello, percent: 100}",
            "S - {configurationName: hello, latestRevision: true, percent: 100}",
            "S - {revisionName: other-00001, percent: 100}",
            "S - {latestRevision: false, percent: 100}",
            "S - {percent: 100}",
            "S - {latestRevision: true, percent: 101}",
            "S - {latestRevision: true, percent: 50, tag: a}\n- {revisionName: hello-00001, percent: 50, tag: a}",
            "S - {latestRevision: true, percent: 100, tag: Bad}",
            "S - {latestRevision: true, percent: -10}\n- {revisionName: hello-00001, percent: 110}",
            "S - {revisionName: hello-00001, latestRevision: true, percent: 100}",
            "S - {latestRevision: true, percent: 0, tag: zero}\n- {revisionName: hello-00001, percent: 100}",
            // Route traffic
            "R - {configurationName: blue, percent: 100}",
            "R - {configurationName: blue, latestRevision: true, percent: 100}",
            "R - {latestRevision: true, percent: 100}",
            "R - {configurationName: blue, latestRevision: false, percent: 100}",
            "R - {revisionName: blue-00001, latestRevision: true, percent: 100}",
            "R - {revisionName: blue-00001, latestRevision: false, percent: 100}",
            "R - {revisionName: blue-00001, configurationName: blue, percent: 100}",
            "R - {revisionName: blue-00001, percent: 30}\n- {configurationName: green, percent: 70, tag: canary}",
            "R - {configurationName: blue, percent: 80}\n- {configurationName: green, percent: 10}",
            "R - {configurationName: blue, percent: 50, tag: x}\n- {configurationName: green, percent: 50, tag: x}",
            "R - {revisionName: blue-00001}\n- {configurationName: green, percent: 100}")
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("splits")
  void apiServerAndLocalValidatorAgreeOnTraffic(String split) {
    String traffic = split.substring(1).strip();
    String yaml =
        split.startsWith("S")
            ? (traffic.isEmpty() ? SERVICE.replace("  traffic:\n", "") : service(traffic))
            : route(traffic);
    boolean serverAccepts = problems(yaml).isEmpty();
    boolean localAccepts;
    try {
      new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, false)).read(yaml, "split");
      localAccepts = true;
    } catch (ManifestException e) {
      localAccepts = false;
    }
    assertThat(serverAccepts)
        .as("API server (" + problems(yaml) + ") vs local Validator")
        .isEqualTo(localAccepts);
  }
}
