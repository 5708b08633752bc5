package dev.pilotlight.api.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.Flag;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.model.ConfigObject;
import dev.pilotlight.api.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ConfigMaps and Secrets read beside Services, with Kubernetes' rules, and what local mode accepts
 * and refuses of env sources, volumes and mounts, each refusal naming the field and the rule.
 */
class LocalConfigManifestTest {
  /** Local mode, with Knative's kubernetes.podspec-fieldref enabled (fieldRef is behind it). */
  static final ManifestReader LOCAL =
      new ManifestReader(
          new Validator(
              () -> AutoscalerConfig.DEFAULTS,
              Features.DEFAULTS.with(Features.FIELD_REF, Flag.ENABLED),
              ServingDefaults.DEFAULTS,
              Validator.Mode.LOCAL));

  @Test
  void configMapAndSecretAreReadWithTheirBytes() throws Exception {
    ManifestReader.Manifest m =
        LOCAL.readManifest(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: site, namespace: web}
            data: {index.html: "hi\\n"}
            binaryData: {logo.bin: AAEC}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            type: kubernetes.io/basic-auth
            data: {username: YWRtaW4=, password: b2xk}
            stringData: {password: new}
            immutable: true
            """,
            "f.yaml");
    assertThat(m.resources()).isEmpty();
    assertThat(m.configObjects()).hasSize(2);
    ConfigObject cm = m.configObjects().get(0);
    assertThat(cm.key())
        .isEqualTo(new ConfigObject.Key(ConfigObject.Kind.CONFIG_MAP, "web", "site"));
    assertThat(cm.keys()).containsExactly("index.html", "logo.bin");
    assertThat(cm.value("index.html")).isEqualTo("hi\n".getBytes(StandardCharsets.UTF_8));
    assertThat(cm.value("logo.bin")).containsExactly(0, 1, 2);
    ConfigObject secret = m.configObjects().get(1);
    assertThat(secret.namespace()).isEqualTo("default");
    assertThat(secret.type()).isEqualTo("kubernetes.io/basic-auth");
    assertThat(secret.immutable()).isTrue();
    assertThat(new String(secret.value("username"), StandardCharsets.UTF_8)).isEqualTo("admin");
    assertThat(new String(secret.value("password"), StandardCharsets.UTF_8))
        .as("stringData over data")
        .isEqualTo("new");
  }

  @Test
  void aSecretWithoutTypeIsOpaque() throws Exception {
    var m = LOCAL.readManifest("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "f.yaml");
    assertThat(m.configObjects().get(0).type()).isEqualTo("Opaque");
  }

  static final String CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: site}\n";
  static final String SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\n";

  static Stream<Arguments> badObjects() {
    String big = "x".repeat(1024 * 1024);
    return Stream.of(
        Arguments.of(
            CM + "data: {\"a/b\": x}\n",
            "f.yaml: ConfigMap default/site: data.a/b: \"a/b\" (expected: a key of letters, digits,"
                + " '-', '_' and '.', at most 253)"),
        Arguments.of(
            CM + "data: {..x: y}\n",
            "f.yaml: ConfigMap default/site: data...x: \"..x\" (expected: not '.' or '..', and not"
                + " starting with '..')"),
        Arguments.of(
            CM + "data: {k: \"" + big + "\"}\n",
            "f.yaml: ConfigMap default/site: data: 1048577 bytes in all (expected: at most 1 MiB"),
        Arguments.of(
            CM + "data: {k: x}\nbinaryData: {k: eA==}\n",
            "f.yaml: ConfigMap default/site: binaryData.k: duplicate of data.k"),
        Arguments.of(
            SECRET + "data: {k: \"not base64!\"}\n",
            "f.yaml: Secret default/creds: data.k: not base64 (expected: base64 of the value's"
                + " bytes)"),
        Arguments.of(
            CM + "data: {port: 8080}\n",
            "f.yaml: ConfigMap default/site: data.port: 8080 (expected: a string; quote a number or"
                + " a boolean, as Kubernetes needs)"),
        Arguments.of(
            CM + "stringData: {k: x}\n",
            "f.yaml: ConfigMap default/site: stringData: unknown field \"stringData\""),
        Arguments.of(
            SECRET + "type: \"\"\n",
            "f.yaml: Secret default/creds: type: \"\" (expected: a non-empty string)"),
        Arguments.of(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Site_1}\n",
            "f.yaml: ConfigMap default/Site_1: metadata.name: \"Site_1\" (expected: a DNS-1123"
                + " subdomain"),
        Arguments.of(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
            "f.yaml: Pod default/p: apiVersion: \"v1\" (expected: serving.pilotlight.dev/v1 or"
                + " serving.knative.dev/v1; v1 for a ConfigMap or Secret)"));
  }

  @ParameterizedTest
  @MethodSource("badObjects")
  void badObjectIsRefusedNamingFileObjectAndField(String yaml, String expected) {
    assertThatThrownBy(() -> LOCAL.readManifest(yaml, "f.yaml"))
        .isInstanceOf(ManifestException.class)
        .satisfies(
            e ->
                assertThat(((ManifestException) e).problems())
                    .map(ManifestProblem::toString)
                    .anySatisfy(line -> assertThat(line).startsWith(expected)));
  }

  /** A Service whose serving container and pod take the given YAML (indented as in a template). */
  static String service(String annotations, String container, String pod) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: app
        spec:
          template:
        %s    spec:
              containers:
                - image: example/app:1
        %s%s"""
        .formatted(
            annotations == null
                ? ""
                : "    metadata:\n      annotations:\n        " + annotations + "\n",
            container.indent(10),
            pod.indent(6));
  }

  static final String MOUNT = "volumeMounts: [{name: site, mountPath: /www}]";
  static final String CM_VOLUME = "volumes: [{name: site, configMap: {name: site}}]";

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(
            "env from ConfigMap, Secret and fields",
            service(
                null,
                """
                env:
                  - {name: A, valueFrom: {configMapKeyRef: {name: c, key: a, optional: true}}}
                  - {name: B, valueFrom: {secretKeyRef: {name: s, key: b}}}
                  - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                  - {name: L, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
                envFrom:
                  - {prefix: C_, configMapRef: {name: c, optional: true}}
                  - secretRef: {name: s}
                """,
                "")),
        Arguments.of(
            "configMap, secret, projected and emptyDir volumes",
            service(
                null,
                """
                volumeMounts:
                  - {name: site, mountPath: /www, readOnly: true}
                  - {name: creds, mountPath: /creds, subPath: password}
                  - {name: both, mountPath: /both}
                  - {name: scratch, mountPath: /tmp/scratch}
                  - {name: fast, mountPath: /fast}
                """,
                """
                volumes:
                  - name: site
                    configMap: {name: site, defaultMode: 0444, items: [{key: a, path: dir/a, mode: 0400}]}
                  - {name: creds, secret: {secretName: creds, optional: true}}
                  - name: both
                    projected:
                      defaultMode: 0440
                      sources: [{configMap: {name: site}}, {secret: {name: creds}}]
                  - {name: scratch, emptyDir: {}}
                  - {name: fast, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
                """)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void acceptedLocally(String rule, String yaml) throws Exception {
    assertThat(LOCAL.read(yaml, "f.yaml")).hasSize(1);
  }

  static Stream<Arguments> refused() {
    String at = "f.yaml: Service default/app: spec.template.spec.";
    String c0 = at + "containers[0].";
    return Stream.of(
        Arguments.of(
            "volumes on a host process",
            service("pilotlight.dev/local-runtime: process", "command: [app]\n" + MOUNT, CM_VOLUME),
            at
                + "volumes: set (expected: not set on a revision run as a host process (volumes"
                + " need a container runtime"),
        Arguments.of(
            "volumeMounts on a host process",
            service("pilotlight.dev/local-runtime: process", "command: [app]\n" + MOUNT, CM_VOLUME),
            c0 + "volumeMounts: set (expected: not set on a revision run as a host process"),
        Arguments.of(
            "a mount naming no volume",
            service(null, "volumeMounts: [{name: nothing, mountPath: /x}]", ""),
            c0 + "volumeMounts[0].name: \"nothing\" (expected: the name of a volume of the pod)"),
        Arguments.of(
            "duplicate volume names",
            service(
                null,
                MOUNT,
                "volumes: [{name: site, configMap: {name: a}}, {name: site, emptyDir: {}}]"),
            at + "volumes[1].name: \"site\" (expected: unique volume names)"),
        Arguments.of(
            "a volume not mounted",
            service(null, MOUNT, CM_VOLUME.replace("]", ", {name: idle, emptyDir: {}}]")),
            at + "volumes[1].name: \"idle\" is not mounted"),
        Arguments.of(
            "duplicate mount paths",
            service(
                null,
                "volumeMounts: [{name: site, mountPath: /www}, {name: site, mountPath: /www/}]",
                CM_VOLUME),
            c0 + "volumeMounts[1].mountPath: \"/www/\" (expected: unique mount paths)"),
        Arguments.of(
            "a relative mount path",
            service(null, "volumeMounts: [{name: site, mountPath: www}]", CM_VOLUME),
            c0 + "volumeMounts[0].mountPath: \"www\" (expected: an absolute path)"),
        Arguments.of(
            "a reserved mount path",
            service(null, "volumeMounts: [{name: site, mountPath: /dev}]", CM_VOLUME),
            c0 + "volumeMounts[0].mountPath: \"/dev\" (expected: not a reserved path"),
        Arguments.of(
            "a writable configMap mount",
            service(
                null, "volumeMounts: [{name: site, mountPath: /www, readOnly: false}]", CM_VOLUME),
            c0 + "volumeMounts[0].readOnly: false (expected: true or unset for a configMap volume"),
        Arguments.of(
            "a subPath leaving the volume",
            service(
                null, "volumeMounts: [{name: site, mountPath: /www, subPath: ../etc}]", CM_VOLUME),
            c0 + "volumeMounts[0].subPath: \"../etc\" (expected: no '..' element)"),
        Arguments.of(
            "an item path leaving the volume",
            service(
                null,
                MOUNT,
                "volumes: [{name: site, configMap: {name: s, items: [{key: a, path: ../a}]}}]"),
            at + "volumes[0].configMap.items[0].path: \"../a\" (expected: no '..' element)"),
        Arguments.of(
            "an absolute item path",
            service(
                null,
                MOUNT,
                "volumes: [{name: site, secret: {secretName: s, items: [{key: a, path: /a}]}}]"),
            at + "volumes[0].secret.items[0].path: \"/a\" (expected: a relative path)"),
        Arguments.of(
            "a mode out of range",
            service(null, MOUNT, "volumes: [{name: site, configMap: {name: s, defaultMode: 512}}]"),
            at + "volumes[0].configMap.defaultMode: 512 (expected: 0..0777 octal, 0..511 decimal)"),
        Arguments.of(
            "a secret volume without secretName",
            service(null, MOUNT, "volumes: [{name: site, secret: {}}]"),
            at + "volumes[0].secret.secretName: required"),
        Arguments.of(
            "a downwardAPI projection",
            service(
                null,
                MOUNT,
                "volumes: [{name: site, projected: {sources: [{downwardAPI: {items: [{path: n,"
                    + " fieldRef: {fieldPath: metadata.name}}]}}]}}]"),
            at
                + "volumes[0].projected.sources[0].downwardAPI: set (expected: configMap or secret"
                + " projections in local mode)"),
        Arguments.of(
            "resourceFieldRef",
            service(
                null,
                "env: [{name: M, valueFrom: {resourceFieldRef: {resource: limits.memory}}}]",
                ""),
            c0 + "env[0].valueFrom.resourceFieldRef: set (expected: not set in local mode"),
        Arguments.of(
            "a fieldRef local mode cannot answer",
            service(null, "env: [{name: M, valueFrom: {fieldRef: {fieldPath: status.phase}}}]", ""),
            c0 + "env[0].valueFrom.fieldRef.fieldPath: \"status.phase\" (expected in local mode:"),
        Arguments.of(
            "a configMapKeyRef without key",
            service(null, "env: [{name: M, valueFrom: {configMapKeyRef: {name: c}}}]", ""),
            c0 + "env[0].valueFrom.configMapKeyRef: without name or key (expected: both)"),
        Arguments.of(
            "envFrom with two sources",
            service(null, "envFrom: [{configMapRef: {name: c}, secretRef: {name: s}}]", ""),
            c0 + "envFrom[0]: both sources (expected: exactly one of configMapRef, secretRef)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedLocallyNamingTheField(String rule, String yaml, String expected) {
    assertThatThrownBy(() -> LOCAL.read(yaml, "f.yaml"))
        .isInstanceOf(ManifestException.class)
        .satisfies(
            e ->
                assertThat(((ManifestException) e).problems())
                    .map(ManifestProblem::toString)
                    .anySatisfy(line -> assertThat(line).startsWith(expected)));
  }
}
