package dev.pilotlight.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestProblem;
import dev.pilotlight.api.manifest.ManifestReader;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Local mode's rules for a pod of containers: sidecars, {@code securityContext} and exec, gRPC,
 * liveness and startup probes run for a container instance, and are refused with the reason for a
 * host process; what a container engine cannot honour is refused for a container instance too.
 */
class LocalPodValidationTest {
  static final ManifestReader LOCAL =
      new ManifestReader(new Validator(AutoscalerConfig.DEFAULTS, true));

  static final String PROCESS =
      "    metadata:\n      annotations:\n        pilotlight.dev/local-runtime: process\n";

  static String service(String templateMeta, String spec) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: hello
        spec:
          template:
        """
        + (templateMeta == null ? "" : templateMeta)
        + "    spec:\n"
        + spec.indent(6);
  }

  static final String SIDECARS =
      """
      containers:
        - name: app
          image: localhost/app:1
          command: [app]
          ports: [{containerPort: 8080}]
        - name: side
          image: localhost/side:1
          command: [side]
      """;

  static final String SECURED =
      """
      containers:
        - image: localhost/app:1
          command: [app]
          securityContext:
            runAsUser: 1000
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
      """;

  static final String PROBED =
      """
      containers:
        - image: localhost/app:1
          command: [app]
          readinessProbe: {exec: {command: [cat, /tmp/ready]}}
          livenessProbe: {grpc: {port: 8080}}
          startupProbe: {tcpSocket: {port: 8080}}
      """;

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("a container instance with a sidecar", service(null, SIDECARS)),
        Arguments.of("a container's securityContext", service(null, SECURED)),
        Arguments.of("exec, gRPC, liveness and startup probes", service(null, PROBED)),
        Arguments.of(
            "runAsUser 0 with a runAsGroup, the default seccomp profile",
            service(
                null,
                """
                containers:
                  - image: localhost/app:1
                    securityContext: {runAsUser: 0, runAsGroup: 5, seccompProfile: {type: RuntimeDefault}}
                """)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void accepted(String rule, String yaml) throws Exception {
    assertThat(LOCAL.read(yaml, "f.yaml")).hasSize(1);
  }

  static Stream<Arguments> refused() {
    String at = "f.yaml: Service default/hello: spec.template.spec.";
    String engine =
        "(expected: not set for a host process (no image, or annotation"
            + " pilotlight.dev/local-runtime: process): it needs a container runtime (podman or"
            + " docker))";
    return Stream.of(
        Arguments.of(
            "a host process has no sidecars",
            service(PROCESS, SIDECARS),
            at
                + "containers: 2 containers (expected: 1 for a host process (no image, or"
                + " annotation pilotlight.dev/local-runtime: process): sidecars need a container"
                + " runtime (podman or docker))"),
        Arguments.of(
            "a host process has no securityContext",
            service(PROCESS, SECURED),
            at + "containers[0].securityContext: set " + engine),
        Arguments.of(
            "a host process has no liveness probe",
            service(PROCESS, PROBED),
            at + "containers[0].livenessProbe: set " + engine),
        Arguments.of(
            "a host process has no exec readiness probe",
            service(PROCESS, PROBED),
            at
                + "containers[0].readinessProbe.exec: set (expected: httpGet or tcpSocket for a"
                + " host process; exec and grpc probes need a container runtime (podman or"
                + " docker))"),
        Arguments.of(
            "privileged is refused, as Knative does",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    securityContext: {privileged: true}\n"),
            at + "containers[0].securityContext.privileged:"),
        Arguments.of(
            "adding a capability needs Knative's feature flag",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    securityContext: {capabilities: {add: [NET_ADMIN]}}\n"),
            at + "containers[0].securityContext.capabilities.add:"),
        Arguments.of(
            "a sidecar's probes are not run",
            service(null, SIDECARS + "    readinessProbe: {tcpSocket: {port: 9000}}\n"),
            at
                + "containers[1].readinessProbe: set on a sidecar (expected: probes on the serving"
                + " container only in local mode"),
        Arguments.of(
            "runAsGroup needs a runAsUser",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    securityContext: {runAsGroup: 5}\n"),
            at
                + "containers[0].securityContext.runAsGroup: 5 (expected: with a runAsUser in"
                + " local mode: the engine's --user needs one)"),
        Arguments.of(
            "a probe's headers are not sent",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    livenessProbe: {httpGet: {path: /, httpHeaders: [{name: X, value: y}]}}\n"),
            at
                + "containers[0].livenessProbe.httpGet.httpHeaders: set (expected: not set in local"
                + " mode, whose probe GET sends no extra headers)"),
        Arguments.of(
            "a probe over HTTPS",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    readinessProbe: {httpGet: {path: /, scheme: HTTPS}}\n"),
            at
                + "containers[0].readinessProbe.httpGet.scheme: \"HTTPS\" (expected: HTTP in local"
                + " mode, whose probes do not speak TLS)"),
        Arguments.of(
            "a Localhost seccomp profile is a node's file",
            service(
                null,
                "containers:\n  - image: localhost/app:1\n    securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}}\n"),
            at
                + "containers[0].securityContext.seccompProfile.type: \"Localhost\" (expected:"
                + " RuntimeDefault or Unconfined in local mode"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refused(String rule, String yaml, String expectedLine) {
    assertThatThrownBy(() -> LOCAL.read(yaml, "f.yaml"))
        .isInstanceOfSatisfying(
            ManifestException.class,
            e ->
                assertThat(e.problems())
                    .map(ManifestProblem::toString)
                    .anySatisfy(line -> assertThat(line).startsWith(expectedLine)));
  }
}
