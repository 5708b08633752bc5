package dev.pilotlight.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.model.Configuration;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.model.Route;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.validation.Validator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad manifests and the exact problem lines they produce; good manifests of every kind. */
class ManifestReaderTest {
  static final ManifestReader LOCAL =
      new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, true));

  static final String HEAD =
      """
      apiVersion: serving.knative.dev/v1
      kind: Service
      metadata:
        name: hello
      spec:
        template:
      """;

  /**
   * A Service whose template block is {@code template} (indented under spec.template) plus extra
   * spec.
   */
  static String service(String template, String traffic) {
    return HEAD + template.indent(4) + (traffic == null ? "" : traffic.indent(2));
  }

  static final String OK_TEMPLATE =
      """
      spec:
        containers:
          - command: ["app"]
      """;

  static Stream<Arguments> badManifests() {
    return Stream.of(
        Arguments.of(
            "percents must sum to 100",
            service(OK_TEMPLATE, "traffic:\n  - latestRevision: true\n    percent: 90\n"),
            "f.yaml: Service default/hello: spec.traffic: percents sum to 90 (expected: 100)"),
        Arguments.of(
            "percent within 0..100",
            service(
                OK_TEMPLATE,
                "traffic:\n  - latestRevision: true\n    percent: 120\n  - revisionName: hello-00001\n    percent: -20\n"),
            "f.yaml: Service default/hello: spec.traffic[0].percent: 120 (expected: 0..100)"),
        Arguments.of(
            "a Route's target names a revision or configuration",
            "apiVersion: serving.pilotlight.dev/v1\nkind: Route\nmetadata:\n  name: r\nspec:\n  traffic:\n    - percent: 100\n",
            "f.yaml: Route default/r: spec.traffic[0]: no target (expected: one of revisionName, configurationName on a Route)"),
        Arguments.of(
            "unique tags",
            service(
                OK_TEMPLATE,
                "traffic:\n  - latestRevision: true\n    percent: 50\n    tag: a\n  - revisionName: hello-00001\n    percent: 50\n    tag: a\n"),
            "f.yaml: Service default/hello: spec.traffic[1].tag: \"a\" is also the tag of spec.traffic[0] (expected: unique tags)"),
        Arguments.of(
            "tags are DNS labels",
            service(
                OK_TEMPLATE,
                "traffic:\n  - latestRevision: true\n    percent: 100\n    tag: Not_OK\n"),
            "f.yaml: Service default/hello: spec.traffic[0].tag: \"Not_OK\" (expected: a DNS-1035 label: lower case letters, digits and '-', starting with a letter)"),
        Arguments.of(
            "local mode needs a command without an image",
            service("spec:\n  containers:\n    - args: [\"x\"]\n", null),
            "f.yaml: Service default/hello: spec.template.spec.containers[0].command: required in local mode without an image, or with annotation pilotlight.dev/local-runtime: process (the command is started as a host process; with an image and no such annotation the image runs as a container)"),
        Arguments.of(
            "a process runtime needs a command",
            service(
                "metadata:\n  annotations:\n    pilotlight.dev/local-runtime: process\nspec:\n  containers:\n    - image: nginx\n",
                null),
            "f.yaml: Service default/hello: spec.template.spec.containers[0].command: required in local mode without an image, or with annotation pilotlight.dev/local-runtime: process (the command is started as a host process; with an image and no such annotation the image runs as a container)"),
        Arguments.of(
            "exactly one container",
            service("spec:\n  containers: []\n", null),
            "f.yaml: Service default/hello: spec.template.spec.containers: required (expected: at least one container)"),
        Arguments.of(
            "containerConcurrency range",
            service(
                "spec:\n  containerConcurrency: 5000\n  containers:\n    - command: [app]\n", null),
            "f.yaml: Service default/hello: spec.template.spec.containerConcurrency: 5000 (expected: 0..1000, 0 = unlimited)"),
        Arguments.of(
            "wrong type names the field",
            service(
                "spec:\n  containers:\n    - command: [app]\n      ports:\n        - containerPort: abc\n",
                null),
            "f.yaml: Service default/hello: spec.template.spec.containers[0].ports[0].containerPort: \"abc\" is not an integer"),
        Arguments.of(
            "unknown field",
            service("spec:\n  containers:\n    - command: [app]\n  bogus: 1\n", null),
            "f.yaml: Service default/hello: spec.template.spec.bogus: unknown field (expected: a field of Kubernetes' PodSpec)"),
        Arguments.of(
            "autoscaling annotation range",
            service(
                "metadata:\n  annotations:\n    autoscaling.knative.dev/min-scale: \"-1\"\n"
                    + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[autoscaling.knative.dev/min-scale]: \"-1\" (expected: integer >= 0)"),
        Arguments.of(
            "min above max",
            service(
                "metadata:\n  annotations:\n    autoscaling.knative.dev/min-scale: \"5\"\n    autoscaling.knative.dev/max-scale: \"3\"\n"
                    + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[autoscaling.knative.dev/min-scale]: min-scale 5 is above max-scale 3 (expected: min-scale <= max-scale)"),
        Arguments.of(
            "unknown metric",
            service(
                "metadata:\n  annotations:\n    autoscaling.knative.dev/metric: cpu\n"
                    + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[autoscaling.knative.dev/metric]: \"cpu\" (expected: one of concurrency, rps)"),
        Arguments.of(
            "window range",
            service(
                "metadata:\n  annotations:\n    autoscaling.knative.dev/window: 2s\n" + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[autoscaling.knative.dev/window]: \"2s\" (expected: duration in 6s..1h)"),
        Arguments.of(
            "pilot-light annotation values",
            service(
                "metadata:\n  annotations:\n    pilotlight.dev/reserve-instance: \"true\"\n"
                    + "    pilotlight.dev/reserve-resources: cpu=fast\n"
                    + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[pilotlight.dev/reserve-resources]: \"cpu=fast\" (expected: cpu as a Kubernetes quantity of at least 1m, e.g. 250m or 0.5)"),
        Arguments.of(
            "pilot light serves up to a concurrency, not a rate",
            service(
                "metadata:\n  annotations:\n    pilotlight.dev/reserve-instance: \"true\"\n"
                    + "    pilotlight.dev/reserve-serves-up-to: \"2\"\n"
                    + "    autoscaling.knative.dev/metric: rps\n"
                    + OK_TEMPLATE,
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[pilotlight.dev/reserve-serves-up-to]: \"2\" (expected: 0 with autoscaling.knative.dev/metric: rps; it counts concurrent requests)"),
        Arguments.of(
            "the reserve's concurrency bounds what it serves alone",
            service(
                "metadata:\n  annotations:\n    pilotlight.dev/reserve-instance: \"true\"\n"
                    + "    pilotlight.dev/reserve-serves-up-to: \"3\"\n"
                    + "spec:\n  containerConcurrency: 2\n  containers:\n    - command: [app]\n",
                null),
            "f.yaml: Service default/hello: spec.template.metadata.annotations[pilotlight.dev/reserve-serves-up-to]: \"3\" (expected: 0..2, at most the reserve's concurrency limit)"),
        Arguments.of(
            "name is a DNS-1035 label",
            HEAD.replace("name: hello", "name: Hello_World") + OK_TEMPLATE.indent(4),
            "f.yaml: Service default/Hello_World: metadata.name: \"Hello_World\" (expected: a DNS-1035 label: lower case letters, digits and '-', starting with a letter, at most 63)"),
        Arguments.of(
            "kind",
            "apiVersion: serving.knative.dev/v1\nkind: Deployment\nmetadata:\n  name: x\n",
            "f.yaml: Deployment default/x: kind: \"Deployment\" (expected: one of Service, Configuration, Route)"),
        Arguments.of(
            "apiVersion",
            "apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: x\n",
            "f.yaml: Service default/x: apiVersion: \"apps/v1\" (expected: serving.pilotlight.dev/v1 or serving.knative.dev/v1)"),
        Arguments.of(
            "a Route needs traffic",
            "apiVersion: serving.pilotlight.dev/v1\nkind: Route\nmetadata:\n  name: r\nspec:\n  traffic: []\n",
            "f.yaml: Route default/r: spec.traffic: empty (expected: at least one target)"),
        Arguments.of("YAML syntax", "apiVersion: [unclosed\n", "f.yaml: not valid YAML"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badManifests")
  void badManifestIsRefusedWithItsProblem(String rule, String yaml, String expectedLine) {
    assertThatThrownBy(() -> LOCAL.read(yaml, "f.yaml"))
        .isInstanceOf(ManifestException.class)
        .satisfies(
            e ->
                assertThat(((ManifestException) e).problems())
                    .map(ManifestProblem::toString)
                    .anySatisfy(line -> assertThat(line).startsWith(expectedLine)));
  }

  @Test
  void anObjectDeclaredTwiceIsReadInOrderAndAppliedInStages() throws Exception {
    String first = service(OK_TEMPLATE, null);
    String second = service(OK_TEMPLATE.replace("[\"app\"]", "[\"app\", \"--v2\"]"), null);
    var read = LOCAL.read(first + "---\n" + second, "f.yaml");
    assertThat(read).hasSize(2);
    var stages = ManifestReader.stages(read);
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0)).containsExactly(read.get(0));
    assertThat(stages.get(1)).containsExactly(read.get(1));
    assertThat(ManifestReader.stages(read.subList(0, 1))).containsExactly(read.subList(0, 1));
  }

  @Test
  void multiDocumentFileOfEveryKind() throws Exception {
    String yaml =
        """
        apiVersion: serving.pilotlight.dev/v1
        kind: Configuration
        metadata:
          name: blue
          namespace: team
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/target: "10"
            spec:
              containerConcurrency: 4
              timeoutSeconds: 30
              containers:
                - command: ["app", "--x"]
                  env:
                    - name: GREETING
                      value: hi
                  ports:
                    - name: http1
                      containerPort: 8080
                  readinessProbe:
                    httpGet:
                      path: /healthz
        ---
        ---
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata:
          name: r
          namespace: team
        spec:
          traffic:
            - configurationName: blue
              percent: 100
              tag: current
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
            spec:
              containers:
                - command: ["app"]
        """;
    List<Resource> resources = LOCAL.read(yaml, "f.yaml");
    assertThat(resources).hasSize(3);
    Configuration c = (Configuration) resources.get(0);
    assertThat(c.namespace()).isEqualTo("team");
    assertThat(c.spec().template().spec().concurrencyLimit()).isEqualTo(4);
    assertThat(c.spec().template().spec().protocol()).isEqualTo(Protocol.HTTP1);
    assertThat(c.spec().template().spec().container().getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/healthz");
    assertThat(((Route) resources.get(1)).spec().traffic().get(0).tag()).isEqualTo("current");
    Service s = (Service) resources.get(2);
    assertThat(s.namespace()).isEqualTo("default");
    assertThat(s.spec().traffic()).isEmpty();
    assertThat(s.spec().template().spec().protocol()).isEqualTo(Protocol.HTTP1);
  }

  @Test
  void aPortNamedH2cMeansTheInstanceSpeaksHttp2Cleartext() throws Exception {
    String yaml =
        service(
            "spec:\n  containers:\n    - command: [app]\n      ports:\n"
                + "        - name: h2c\n          containerPort: 8080\n",
            null);
    Service s = (Service) LOCAL.read(yaml, "f.yaml").get(0);
    assertThat(s.spec().template().spec().protocol()).isEqualTo(Protocol.H2C);
  }

  @Test
  void everyProblemOfAFileIsReportedTogether() {
    String yaml =
        service(
            "spec:\n  containers: []\n", "traffic:\n  - latestRevision: true\n    percent: 10\n");
    assertThatThrownBy(() -> LOCAL.read(yaml, "f.yaml"))
        .isInstanceOf(ManifestException.class)
        .satisfies(e -> assertThat(((ManifestException) e).problems()).hasSize(2));
  }
}
