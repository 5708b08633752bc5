package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.model.ConfigObject;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Volumes as the kubelet lays them out (rows of volume YAML, objects, and the files by path and
 * mode), their mounts as engine arguments, and the atomic {@code ..data} swap on disk.
 */
class VolumeLayoutTest {
  static final Map<ConfigObject.Key, ConfigObject> OBJECTS = new LinkedHashMap<>();

  static {
    put(ConfigObject.Kind.CONFIG_MAP, "site", Map.of("index.html", "hi", "app.conf", "a=1"));
    put(ConfigObject.Kind.SECRET, "creds", Map.of("password", "s3cret"));
  }

  static void put(ConfigObject.Kind kind, String name, Map<String, String> data) {
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    data.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
    ConfigObject o = new ConfigObject(kind, "default", name, bytes, null, false);
    OBJECTS.put(o.key(), o);
  }

  static Optional<ConfigObject> lookup(ConfigObject.Key k) {
    return Optional.ofNullable(OBJECTS.get(k));
  }

  static PodSpec pod(String volumesYaml) {
    return Serialization.unmarshal("containers: [{name: c}]\n" + volumesYaml, PodSpec.class);
  }

  /** Each file as "path mode content". */
  static List<String> files(VolumeLayout.Planned p) {
    return p.files().entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " "
                    + Integer.toOctalString(e.getValue().mode())
                    + " "
                    + new String(e.getValue().content(), StandardCharsets.UTF_8))
        .toList();
  }

  static Stream<Arguments> layouts() {
    return Stream.of(
        Arguments.of(
            "every key of a ConfigMap, mode 0644",
            "volumes: [{name: v, configMap: {name: site}}]",
            List.of("app.conf 644 a=1", "index.html 644 hi")),
        Arguments.of(
            "items at their paths with their modes, defaultMode for the rest",
            "volumes: [{name: v, configMap: {name: site, defaultMode: 0440, items: [{key:"
                + " index.html, path: www/index.html}, {key: app.conf, path: conf, mode: 0400}]}}]",
            List.of("conf 400 a=1", "www/index.html 440 hi")),
        Arguments.of(
            "a Secret",
            "volumes: [{name: v, secret: {secretName: creds}}]",
            List.of("password 644 s3cret")),
        Arguments.of(
            "an optional missing Secret is an empty volume",
            "volumes: [{name: v, secret: {secretName: gone, optional: true}}]",
            List.of()),
        Arguments.of(
            "projected: both sources, the projection's defaultMode",
            "volumes: [{name: v, projected: {defaultMode: 0400, sources: [{configMap: {name:"
                + " site, items: [{key: app.conf, path: app.conf}]}}, {secret: {name: creds}}]}}]",
            List.of("app.conf 400 a=1", "password 400 s3cret")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void laysOutTheFiles(String rule, String yaml, List<String> expected) {
    List<VolumeLayout.Planned> planned =
        VolumeLayout.plan(pod(yaml), "default", VolumeLayoutTest::lookup);
    assertThat(files(planned.get(0))).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> missing() {
    return Stream.of(
        Arguments.of(
            "volumes: [{name: v, configMap: {name: gone}}]", "configmap \"gone\" not found"),
        Arguments.of(
            "volumes: [{name: v, secret: {secretName: gone}}]", "secret \"gone\" not found"),
        Arguments.of(
            "volumes: [{name: v, configMap: {name: site, items: [{key: nope, path: x}]}}]",
            "configmap references non-existent config key: nope"),
        Arguments.of(
            "volumes: [{name: v, projected: {sources: [{secret: {name: creds, items: [{key: nope,"
                + " path: x}]}}]}}]",
            "secret references non-existent secret key: nope"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("missing")
  void aMissingObjectOrKeyIsTheKubeletsMessage(String yaml, String message) {
    assertThatThrownBy(() -> VolumeLayout.plan(pod(yaml), "default", VolumeLayoutTest::lookup))
        .isInstanceOf(EnvResolver.ConfigError.class)
        .hasMessage(message);
  }

  @Test
  void mountsBecomeEngineArguments() {
    PodSpec pod =
        pod(
            """
            volumes:
              - {name: site, configMap: {name: site}}
              - {name: scratch, emptyDir: {}}
              - {name: fast, emptyDir: {medium: Memory, sizeLimit: 1Mi}}
            """);
    Container c =
        Serialization.unmarshal(
            """
            name: c
            volumeMounts:
              - {name: site, mountPath: /www}
              - {name: site, mountPath: /etc/app.conf, subPath: app.conf}
              - {name: scratch, mountPath: /tmp/scratch}
              - {name: scratch, mountPath: /tmp/ro, readOnly: true}
              - {name: fast, mountPath: /fast}
            """,
            Container.class);
    List<VolumeLayout.Planned> planned =
        VolumeLayout.plan(pod, "default", VolumeLayoutTest::lookup);
    assertThat(VolumeLayout.sources(pod, "default"))
        .containsExactly(new ConfigObject.Key(ConfigObject.Kind.CONFIG_MAP, "default", "site"));
    assertThat(VolumeLayout.mountArgs(c, planned, name -> Path.of("/state/v", name)))
        .containsExactly(
            "--volume=/state/v/site:/www:ro,z",
            "--volume=/state/v/site/app.conf:/etc/app.conf:ro,z",
            "--volume=/state/v/scratch:/tmp/scratch:rw,z",
            "--volume=/state/v/scratch:/tmp/ro:ro,z",
            "--mount=type=tmpfs,destination=/fast,tmpfs-size=1048576");
  }

  @Test
  void filesAreSwappedAtomicallyThroughDataAndStaleKeysGo(@TempDir Path dir) throws Exception {
    Path vol = dir.resolve("site");
    var one =
        Map.of(
            "index.html", new VolumeLayout.FileEntry("one".getBytes(), 0644),
            "old", new VolumeLayout.FileEntry("x".getBytes(), 0600));
    assertThat(VolumeFiles.write(vol, one, 1)).isTrue();
    assertThat(Files.readSymbolicLink(vol.resolve("..data"))).isEqualTo(Path.of("..v1"));
    assertThat(Files.readSymbolicLink(vol.resolve("index.html")))
        .isEqualTo(Path.of("..data/index.html"));
    assertThat(Files.readString(vol.resolve("index.html"))).isEqualTo("one");
    assertThat(VolumeFiles.mode(Files.getPosixFilePermissions(vol.resolve("old")))).isEqualTo(0600);
    assertThat(VolumeFiles.write(vol, one, 2)).as("the same files change nothing").isFalse();

    var two = Map.of("index.html", new VolumeLayout.FileEntry("two".getBytes(), 0644));
    assertThat(VolumeFiles.write(vol, two, 3)).isTrue();
    assertThat(Files.readSymbolicLink(vol.resolve("..data"))).isEqualTo(Path.of("..v3"));
    assertThat(Files.readString(vol.resolve("index.html"))).isEqualTo("two");
    assertThat(Files.exists(vol.resolve("old"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .as("a key no longer there")
        .isFalse();
    assertThat(Files.exists(vol.resolve("..v1"))).as("the old version removed").isFalse();
  }
}
