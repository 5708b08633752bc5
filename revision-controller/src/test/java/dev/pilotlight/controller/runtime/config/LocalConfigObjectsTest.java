package dev.pilotlight.controller.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.ConfigObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sources replace what they declared, removal takes it away, listeners hear the changed keys. */
class LocalConfigObjectsTest {
  static ConfigObject cm(String name, String value) {
    return new ConfigObject(
        ConfigObject.Kind.CONFIG_MAP,
        "default",
        name,
        Map.of("k", value.getBytes(StandardCharsets.UTF_8)),
        null,
        false);
  }

  static ConfigObject.Key key(String name) {
    return new ConfigObject.Key(ConfigObject.Kind.CONFIG_MAP, "default", name);
  }

  @Test
  void aSourceReplacesItsObjectsAndItsRemovalRemovesThem() {
    LocalConfigObjects objects = new LocalConfigObjects();
    List<Set<ConfigObject.Key>> heard = new ArrayList<>();
    objects.onChange(heard::add);

    assertThat(objects.apply("a.yaml", List.of(cm("x", "1"), cm("y", "1")))).isEmpty();
    assertThat(objects.get(key("x"))).contains(cm("x", "1"));
    assertThat(heard).containsExactly(Set.of(key("x"), key("y")));

    objects.apply("a.yaml", List.of(cm("x", "2")));
    assertThat(objects.get(key("x"))).contains(cm("x", "2"));
    assertThat(objects.get(key("y"))).as("no longer declared").isEmpty();
    assertThat(heard.get(1)).isEqualTo(Set.of(key("x"), key("y")));

    objects.apply("a.yaml", List.of(cm("x", "2")));
    assertThat(heard).as("nothing changed, nothing heard").hasSize(2);

    objects.removeSource("a.yaml");
    assertThat(objects.size()).isZero();
    assertThat(heard.get(2)).isEqualTo(Set.of(key("x")));
  }

  @Test
  void anObjectInTwoSourcesIsTheOneAppliedLast() {
    LocalConfigObjects objects = new LocalConfigObjects();
    objects.apply("a.yaml", List.of(cm("x", "a")));
    objects.apply("b.yaml", List.of(cm("x", "b")));
    assertThat(objects.get(key("x"))).contains(cm("x", "b"));
    objects.removeSource("b.yaml");
    assertThat(objects.get(key("x"))).contains(cm("x", "a"));
  }

  @Test
  void anImmutableObjectsDataCannotChange() {
    LocalConfigObjects objects = new LocalConfigObjects();
    ConfigObject frozen =
        new ConfigObject(
            ConfigObject.Kind.SECRET, "default", "s", Map.of("k", new byte[] {1}), "Opaque", true);
    objects.apply("a.yaml", List.of(frozen));
    ConfigObject changed =
        new ConfigObject(
            ConfigObject.Kind.SECRET, "default", "s", Map.of("k", new byte[] {2}), "Opaque", true);
    assertThat(objects.apply("a.yaml", List.of(changed)))
        .hasValueSatisfying(m -> assertThat(m).contains("Secret default/s is immutable"));
    assertThat(objects.get(frozen.key())).contains(frozen);
  }

  @Test
  void beyondTheCountBoundASourceIsRefusedWhole() {
    LocalConfigObjects objects = new LocalConfigObjects();
    List<ConfigObject> many = new ArrayList<>();
    for (int i = 0; i <= LocalConfigObjects.MAX_OBJECTS; i++) {
      many.add(cm("c" + i, "v"));
    }
    assertThat(objects.apply("a.yaml", many))
        .hasValueSatisfying(m -> assertThat(m).contains("(expected: at most 1024)"));
    assertThat(objects.size()).isZero();
  }
}
