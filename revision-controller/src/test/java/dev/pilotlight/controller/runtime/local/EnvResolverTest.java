package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.model.ConfigObject;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A container's env as the kubelet resolves it: rows of env YAML, objects, and the result. */
class EnvResolverTest {
  static final Map<ConfigObject.Key, ConfigObject> OBJECTS = new LinkedHashMap<>();

  static {
    put(
        ConfigObject.Kind.CONFIG_MAP,
        "settings",
        Map.of("MODE", "fast", "LEVEL", "3", "bad key", "x"));
    put(ConfigObject.Kind.SECRET, "creds", Map.of("password", "s3cret"));
  }

  static void put(ConfigObject.Kind kind, String name, Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    ConfigObject o = new ConfigObject(kind, "default", name, bytes, null, false);
    OBJECTS.put(o.key(), o);
  }

  static final EnvResolver.Sources SOURCES =
      new EnvResolver.Sources(
          k -> Optional.ofNullable(OBJECTS.get(k)),
          new EnvResolver.Fields(
              "app-00001-1",
              "default",
              "uid-1",
              Map.of("app", "shop"),
              Map.of("note", "n"),
              "laptop",
              "default",
              "127.0.0.1"));

  static Container container(String yaml) {
    return Serialization.unmarshal("name: c\n" + yaml, Container.class);
  }

  static Stream<Arguments> resolved() {
    return Stream.of(
        Arguments.of(
            "a Secret key",
            "env: [{name: P, valueFrom: {secretKeyRef: {name: creds, key: password}}}]",
            Map.of("P", "s3cret")),
        Arguments.of(
            "an optional missing key is not set",
            "env: [{name: P, valueFrom: {configMapKeyRef: {name: settings, key: none, optional: true}}}]",
            Map.of()),
        Arguments.of(
            "an optional missing ConfigMap is not set",
            "env: [{name: P, valueFrom: {configMapKeyRef: {name: gone, key: k, optional: true}}}]",
            Map.of()),
        Arguments.of(
            "envFrom with a prefix; invalid names skipped; env over envFrom",
            """
            envFrom: [{prefix: S_, configMapRef: {name: settings}}]
            env: [{name: S_MODE, value: slow}]
            """,
            Map.of("S_LEVEL", "3", "S_MODE", "slow")),
        Arguments.of(
            "a later envFrom source over an earlier",
            """
            envFrom:
              - configMapRef: {name: settings}
              - secretRef: {name: creds}
              - secretRef: {name: gone, optional: true}
            """,
            Map.of("LEVEL", "3", "MODE", "fast", "password", "s3cret")),
        Arguments.of(
            "$(VAR) expands against envFrom and earlier env",
            """
            envFrom: [{configMapRef: {name: settings}}]
            env:
              - {name: URL, value: "http://x/$(MODE)/$(NONE)/$$(MODE)"}
            """,
            Map.of("LEVEL", "3", "MODE", "fast", "URL", "http://x/fast/$(NONE)/$(MODE)")),
        Arguments.of(
            "fields of the instance",
            """
            env:
              - {name: N, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
              - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
              - {name: L, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
              - {name: A, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
              - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
              - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
            """,
            Map.of(
                "N", "app-00001-1",
                "NS", "default",
                "L", "shop",
                "A", "n",
                "NODE", "laptop",
                "IP", "127.0.0.1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resolved")
  void resolves(String rule, String yaml, Map<String, String> expected) {
    EnvResolver.Resolved r = EnvResolver.resolve(container(yaml), "default", Map.of(), SOURCES);
    assertThat(r.env()).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @org.junit.jupiter.api.Test
  void invalidKeysOfAnEnvFromSourceAreNamedInTheWarnings() {
    EnvResolver.Resolved r =
        EnvResolver.resolve(
            container("envFrom: [{configMapRef: {name: settings}}]"), "default", Map.of(), SOURCES);
    assertThat(r.warnings())
        .containsExactly(
            "keys [bad key] of ConfigMap default/settings skipped: not environment variable names"
                + " (InvalidEnvironmentVariableNames)");
  }

  static Stream<Arguments> missing() {
    return Stream.of(
        Arguments.of(
            "env: [{name: P, valueFrom: {secretKeyRef: {name: gone, key: k}}}]",
            "secret \"gone\" not found"),
        Arguments.of(
            "env: [{name: P, valueFrom: {configMapKeyRef: {name: gone, key: k}}}]",
            "configmap \"gone\" not found"),
        Arguments.of(
            "env: [{name: P, valueFrom: {configMapKeyRef: {name: settings, key: nope}}}]",
            "couldn't find key nope in ConfigMap default/settings"),
        Arguments.of(
            "env: [{name: P, valueFrom: {secretKeyRef: {name: creds, key: nope}}}]",
            "couldn't find key nope in Secret default/creds"),
        Arguments.of("envFrom: [{secretRef: {name: gone}}]", "secret \"gone\" not found"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("missing")
  void aMissingObjectOrKeyIsTheKubeletsMessage(String yaml, String message) {
    assertThatThrownBy(() -> EnvResolver.resolve(container(yaml), "default", Map.of(), SOURCES))
        .isInstanceOf(EnvResolver.ConfigError.class)
        .hasMessage(message);
  }

  @org.junit.jupiter.api.Test
  void aHostProcesssInheritedEnvironmentIsExpandedButNotReturned() {
    EnvResolver.Resolved r =
        EnvResolver.resolve(
            container("env: [{name: G, value: \"$(HOME)/x\"}]"),
            "default",
            Map.of("HOME", "/home/me"),
            SOURCES);
    assertThat(r.env()).isEqualTo(Map.of("G", "/home/me/x"));
    assertThat(List.copyOf(r.env().keySet())).containsExactly("G");
  }
}
