package dev.pilotlight.controller.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.kubernetes.ConfigurationResource;
import dev.pilotlight.api.kubernetes.RouteResource;
import dev.pilotlight.api.kubernetes.ServiceResource;
import dev.pilotlight.api.manifest.ManifestReader;
import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.validation.Validator;
import dev.pilotlight.controller.kubernetes.ClusterWrites;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import dev.pilotlight.controller.kubernetes.desired.ServiceChildren;
import dev.pilotlight.controller.store.ObjectStore;
import dev.pilotlight.controller.store.StoreOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ManifestApplier} over an in-memory store: files in, objects (kind, key, generation,
 * source, labels, annotations) and reported events out.
 */
class ManifestApplierTest {
  static final ManifestReader READER =
      new ManifestReader(
          new Validator(
              () -> AutoscalerConfig.DEFAULTS,
              Features.DEFAULTS,
              ServingDefaults.DEFAULTS,
              Validator.Mode.LOCAL));

  static String service(String name, String arg) {
    return service(name, arg, "team: a", "note: x");
  }

  static String service(String name, String arg, String label, String annotation) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: %s
          labels:
            %s
          annotations:
            %s
        spec:
          template:
            spec:
              containers:
                - command: ["app", "%s"]
        """
        .formatted(name, label, annotation, arg);
  }

  static String configuration(String name) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Configuration
        metadata:
          name: %s
        spec:
          template:
            spec:
              containers:
                - command: ["app"]
        """
        .formatted(name);
  }

  static String route(String name, String configuration) {
    return """
        apiVersion: serving.knative.dev/v1
        kind: Route
        metadata:
          name: %s
        spec:
          traffic:
            - configurationName: %s
              percent: 100
        """
        .formatted(name, configuration);
  }

  static List<Resource> docs(String... yaml) {
    try {
      return READER.read(String.join("---\n", yaml), "test.yaml");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Runs before each update: another writer racing the applier. */
  final List<Runnable> beforeUpdates = new ArrayList<>();

  final ObjectStore store = ObjectStore.open(StoreOptions.inMemory().withEvents(Runnable::run));
  final List<String> events = new ArrayList<>();
  final ManifestApplier applier =
      new ManifestApplier(
          store,
          new ClusterWrites() {
            @Override
            public <T extends HasMetadata> T create(T object) {
              return store.create(object);
            }

            @Override
            public <T extends HasMetadata> T update(T object) {
              if (!beforeUpdates.isEmpty()) {
                beforeUpdates.remove(0).run();
              }
              return store.update(object);
            }

            @Override
            public <T extends HasMetadata> void replaceStatus(
                Class<T> type, ObjectKey key, Object status) {
              store.replaceStatus(type, key, status);
            }

            @Override
            public <T extends HasMetadata> void mergeStatusFields(
                Class<T> type, ObjectKey key, Map<String, Object> fields) {
              store.mergeStatusFields(type, key, fields);
            }

            @Override
            public <T extends HasMetadata> void replaceStatusFields(
                Class<T> type, ObjectKey key, Map<String, Object> fields) {
              store.replaceStatusFields(type, key, fields);
            }

            @Override
            public <T extends HasMetadata> void patchMetadata(
                Class<T> type,
                ObjectKey key,
                Map<String, String> labels,
                Map<String, String> annotations) {
              store.patchMetadata(type, key, labels, annotations);
            }

            @Override
            public <T extends HasMetadata> void delete(Class<T> type, ObjectKey key) {
              store.delete(type, key);
            }
          },
          events::add);

  @AfterEach
  void close() {
    store.close();
  }

  /** Every object: {@code Kind ns/name gen=N src=file labels annotations} (no source there). */
  List<String> objects() {
    List<String> out = new ArrayList<>();
    for (Class<? extends HasMetadata> type :
        List.of(ServiceResource.class, ConfigurationResource.class, RouteResource.class)) {
      for (HasMetadata o : store.list(type)) {
        Map<String, String> annotations =
            new TreeMap<>(
                o.getMetadata().getAnnotations() == null
                    ? Map.of()
                    : o.getMetadata().getAnnotations());
        String source = annotations.remove(ManifestApplier.SOURCE_ANNOTATION);
        out.add(
            o.getKind()
                + " "
                + ObjectKey.of(o)
                + " gen="
                + o.getMetadata().getGeneration()
                + " src="
                + source
                + (o.getMetadata().getLabels() == null || o.getMetadata().getLabels().isEmpty()
                    ? ""
                    : " labels=" + new TreeMap<>(o.getMetadata().getLabels()))
                + (annotations.isEmpty() ? "" : " annotations=" + annotations));
      }
    }
    return out;
  }

  /** One step of a row: what the watcher would call. */
  interface Step {
    void run(ManifestApplier a);
  }

  static Step apply(String source, String... yaml) {
    List<Resource> resources = yaml.length == 0 ? List.of() : docs(yaml);
    return a -> a.apply(source, resources);
  }

  static Step remove(String source) {
    return a -> a.removeSource(source);
  }

  static Step retain(String... sources) {
    return a -> a.retainSources(Set.of(sources));
  }

  record Row(String name, List<Step> steps, List<String> objects, List<String> events) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String HELLO = "Service default/hello";

  static Stream<Row> rows() {
    return Stream.of(
        new Row(
            "a document creates its object, with its labels, annotations and file",
            List.of(apply("a.yaml", service("hello", "v1"))),
            List.of(HELLO + " gen=1 src=a.yaml labels={team=a} annotations={note=x}"),
            List.of()),
        new Row(
            "a spec change updates the object, generation + 1",
            List.of(
                apply("a.yaml", service("hello", "v1")), apply("a.yaml", service("hello", "v2"))),
            List.of(HELLO + " gen=2 src=a.yaml labels={team=a} annotations={note=x}"),
            List.of()),
        new Row(
            "labels and annotations change without a new generation",
            List.of(
                apply("a.yaml", service("hello", "v1")),
                apply("a.yaml", service("hello", "v1", "team: b", "other: y"))),
            List.of(HELLO + " gen=1 src=a.yaml labels={team=b} annotations={other=y}"),
            List.of()),
        new Row(
            "a document declared twice in a file is applied in turn",
            List.of(apply("a.yaml", service("hello", "v1"), service("hello", "v2"))),
            List.of(HELLO + " gen=2 src=a.yaml labels={team=a} annotations={note=x}"),
            List.of()),
        new Row(
            "a document gone from its file deletes its object, not another file's",
            List.of(
                apply("a.yaml", service("hello", "v1"), service("bye", "v1")),
                apply("b.yaml", configuration("other")),
                apply("a.yaml", service("hello", "v1"))),
            List.of(
                HELLO + " gen=1 src=a.yaml labels={team=a} annotations={note=x}",
                "Configuration default/other gen=1 src=b.yaml"),
            List.of()),
        new Row(
            "an empty file deletes all its objects",
            List.of(apply("a.yaml", service("hello", "v1")), apply("a.yaml")),
            List.of(),
            List.of()),
        new Row(
            "a name changing kind within its file",
            List.of(
                apply("a.yaml", service("hello", "v1")), apply("a.yaml", configuration("hello"))),
            List.of("Configuration default/hello gen=1 src=a.yaml"),
            List.of()),
        new Row(
            "a file removed deletes its objects only",
            List.of(
                apply("a.yaml", service("hello", "v1"), route("r", "c")),
                apply("b.yaml", configuration("c")),
                remove("a.yaml")),
            List.of("Configuration default/c gen=1 src=b.yaml"),
            List.of()),
        new Row(
            "at startup, the objects of files no longer there are deleted",
            List.of(
                apply("a.yaml", service("hello", "v1")),
                apply("b.yaml", configuration("c")),
                apply("c.yaml", route("r", "c")),
                retain("b.yaml", "c.yaml", "new.yaml")),
            List.of("Configuration default/c gen=1 src=b.yaml", "Route default/r gen=1 src=c.yaml"),
            List.of()),
        new Row(
            "a Service of a name another file declares is refused, naming both files",
            List.of(
                apply("a.yaml", service("hello", "v1")), apply("b.yaml", service("hello", "v2"))),
            List.of(HELLO + " gen=1 src=a.yaml labels={team=a} annotations={note=x}"),
            List.of(
                "Service default/hello in b.yaml ignored: the name is already declared in a.yaml")),
        new Row(
            "a Service claims its Configuration's and Route's names",
            List.of(
                apply("a.yaml", service("hello", "v1")),
                apply("b.yaml", configuration("hello"), route("hello", "hello"), route("r", "c"))),
            List.of(
                HELLO + " gen=1 src=a.yaml labels={team=a} annotations={note=x}",
                "Route default/r gen=1 src=b.yaml"),
            List.of(
                "Configuration default/hello in b.yaml ignored: the name is already declared in"
                    + " a.yaml",
                "Route default/hello in b.yaml ignored: the name is already declared in a.yaml")),
        new Row(
            "a Service whose name a bare Configuration of another file holds is refused",
            List.of(
                apply("b.yaml", configuration("hello")), apply("a.yaml", service("hello", "v1"))),
            List.of("Configuration default/hello gen=1 src=b.yaml"),
            List.of(
                "Service default/hello in a.yaml ignored: the name is already declared in b.yaml")),
        new Row(
            "a Configuration and a Route may share a name",
            List.of(apply("a.yaml", configuration("c")), apply("b.yaml", route("c", "c"))),
            List.of("Configuration default/c gen=1 src=a.yaml", "Route default/c gen=1 src=b.yaml"),
            List.of()),
        new Row(
            "a refused document takes the object over once the other file lets the name go",
            List.of(
                apply("a.yaml", service("hello", "v1")),
                apply("b.yaml", service("hello", "v2", "team: b", "note: b")),
                remove("a.yaml")),
            List.of(HELLO + " gen=2 src=b.yaml labels={team=b} annotations={note=b}"),
            List.of(
                "Service default/hello in b.yaml ignored: the name is already declared in a.yaml")),
        new Row(
            "a refusal is reported once while it lasts",
            List.of(
                apply("a.yaml", service("hello", "v1")),
                apply("b.yaml", service("hello", "v2")),
                apply("b.yaml", service("hello", "v2"))),
            List.of(HELLO + " gen=1 src=a.yaml labels={team=a} annotations={note=x}"),
            List.of(
                "Service default/hello in b.yaml ignored: the name is already declared in a.yaml")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void row(Row row) {
    for (Step step : row.steps()) {
      step.run(applier);
    }
    assertThat(objects()).as("objects").containsExactlyInAnyOrderElementsOf(row.objects());
    assertThat(events).as("events").containsExactlyElementsOf(row.events());
  }

  @Test
  void aFileRenamedHandsItsObjectsOverInsteadOfDeletingThem() {
    applier.apply("a.yaml", docs(service("hello", "v1"), route("r", "hello")));
    ObjectKey key = new ObjectKey("default", "hello");
    String uid = store.get(ServiceResource.class, key).getMetadata().getUid();

    // the watcher sees the new name before the old one goes
    applier.apply("b.yaml", docs(service("hello", "v1"), route("r", "hello")));
    applier.removeSource("a.yaml");

    ServiceResource hello = store.get(ServiceResource.class, key);
    assertThat(hello.getMetadata().getUid()).as("the same object").isEqualTo(uid);
    assertThat(hello.getMetadata().getGeneration()).isEqualTo(1);
    assertThat(objects())
        .containsExactlyInAnyOrder(
            HELLO + " gen=1 src=b.yaml labels={team=a} annotations={note=x}",
            "Route default/r gen=1 src=b.yaml");

    // a document moved from one file to another, the old file changed after the new one
    applier.apply("c.yaml", docs(route("r", "hello")));
    applier.apply("b.yaml", docs(service("hello", "v1")));
    assertThat(objects())
        .containsExactlyInAnyOrder(
            HELLO + " gen=1 src=b.yaml labels={team=a} annotations={note=x}",
            "Route default/r gen=1 src=c.yaml");
  }

  @Test
  void anUnchangedFileWritesNothing() {
    applier.apply("a.yaml", docs(service("hello", "v1"), configuration("c")));
    long version = store.resourceVersion();
    applier.apply("a.yaml", docs(service("hello", "v1"), configuration("c")));
    assertThat(store.resourceVersion()).isEqualTo(version);
  }

  @Test
  void theStatusIsNeverWritten() {
    applier.apply("a.yaml", docs(service("hello", "v1")));
    ObjectKey key = new ObjectKey("default", "hello");
    ServiceResource.Status status =
        new ServiceResource.Status(1L, List.of(), "http://hello", "hello-00001", null, null);
    store.replaceStatus(ServiceResource.class, key, status);
    applier.apply("a.yaml", docs(service("hello", "v2")));
    ServiceResource s = store.get(ServiceResource.class, key);
    assertThat(s.getMetadata().getGeneration()).isEqualTo(2);
    assertThat(s.getStatus()).isEqualTo(status);
  }

  @Test
  void theControllersChildrenAreNeitherPrunedNorTaken() {
    applier.apply("a.yaml", docs(service("hello", "v1")));
    ServiceResource hello = store.get(ServiceResource.class, new ObjectKey("default", "hello"));
    // the Service reconciler's children copy the Service's annotations, the file's among them
    store.create(ServiceChildren.configuration(hello));
    store.create(ServiceChildren.route(hello));

    applier.apply("a.yaml", docs(service("hello", "v2")));
    retain("a.yaml").run(applier);
    assertThat(store.list(ConfigurationResource.class)).hasSize(1);
    assertThat(store.list(RouteResource.class)).hasSize(1);

    applier.apply("a.yaml", docs(service("hello", "v2"), configuration("hello")));
    assertThat(events)
        .containsExactly(
            "Configuration default/hello in a.yaml ignored: the name is already declared in"
                + " a.yaml");

    applier.removeSource("a.yaml");
    assertThat(store.size()).as("the Service and, by cascade, its children").isZero();
  }

  @Test
  void concurrentWritesAreRetried() {
    applier.apply("a.yaml", docs(service("hello", "v1")));
    ObjectKey key = new ObjectKey("default", "hello");
    AtomicInteger statusWrites = new AtomicInteger();
    Runnable race =
        () ->
            store.replaceStatus(
                ServiceResource.class,
                key,
                new ServiceResource.Status(
                    (long) statusWrites.incrementAndGet(), null, null, null, null, null));
    beforeUpdates.addAll(List.of(race, race));

    applier.apply("a.yaml", docs(service("hello", "v2")));

    assertThat(store.get(ServiceResource.class, key).getMetadata().getGeneration()).isEqualTo(2);
    assertThat(statusWrites).hasValue(2);
    assertThat(events).isEmpty();
  }

  @Test
  void writesRacedEveryTimeAreReportedAfterTheLastAttempt() {
    applier.apply("a.yaml", docs(service("hello", "v1"), configuration("c")));
    ObjectKey key = new ObjectKey("default", "hello");
    Runnable race =
        () ->
            store.replaceStatus(
                ServiceResource.class,
                key,
                new ServiceResource.Status(store.resourceVersion(), null, null, null, null, null));
    for (int i = 0; i < ManifestApplier.MAX_ATTEMPTS; i++) {
      beforeUpdates.add(race);
    }

    applier.apply("a.yaml", docs(service("hello", "v2"), configuration("c")));

    assertThat(store.get(ServiceResource.class, key).getMetadata().getGeneration()).isEqualTo(1);
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("Service default/hello in a.yaml not applied: 5 attempts met concurrent writes")
        .endsWith("it is applied again when the file changes");
  }

  @Test
  void aBlankSourceIsRefused() {
    assertThatThrownBy(() -> applier.apply(" ", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("source");
  }
}
