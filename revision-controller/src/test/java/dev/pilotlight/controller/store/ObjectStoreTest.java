package dev.pilotlight.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.kubernetes.PodAutoscalerResource;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The object store's contract, as the API server's: table tests, manual time, no server. */
class ObjectStoreTest {
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");
  static final ObjectKey KEY = new ObjectKey("default", "hello-deployment");

  @TempDir Path dir;

  final ArrayDeque<Runnable> events = new ArrayDeque<>();
  final List<ObjectStore> opened = new ArrayList<>();

  @AfterEach
  void close() {
    opened.forEach(ObjectStore::close);
  }

  StoreOptions options() {
    AtomicInteger uids = new AtomicInteger();
    return StoreOptions.inMemory()
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
        .withUids(() -> "uid-" + uids.incrementAndGet())
        .withEvents(events::add);
  }

  ObjectStore store(StoreOptions options) {
    ObjectStore s = ObjectStore.open(options);
    opened.add(s);
    return s;
  }

  ObjectStore store() {
    return store(options());
  }

  /** Runs the queued event deliveries, as the store's event thread would. */
  void deliver() {
    Runnable r;
    while ((r = events.poll()) != null) {
      r.run();
    }
  }

  static Deployment deployment(String name, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .addToLabels("app", "hello")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .endSpec()
        .build();
  }

  static OwnerReference owner(HasMetadata o) {
    return new OwnerReferenceBuilder()
        .withApiVersion(o.getApiVersion())
        .withKind(o.getKind())
        .withName(o.getMetadata().getName())
        .withUid(o.getMetadata().getUid())
        .withController(true)
        .build();
  }

  static Pod pod(String name, HasMetadata... owners) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withOwnerReferences(Stream.of(owners).map(ObjectStoreTest::owner).toList())
        .endMetadata()
        .build();
  }

  static int code(Throwable e) {
    return ((KubernetesClientException) e).getCode();
  }

  // ---- create ----

  @Test
  void createAssignsIdentityAndVersionsAndDropsTheStatus() {
    ObjectStore store = store();
    Deployment d = deployment("hello-deployment", 1);
    d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(5).build());
    Deployment created = store.create(d);
    assertThat(created.getMetadata().getUid()).isEqualTo("uid-1");
    assertThat(created.getMetadata().getCreationTimestamp()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(created.getMetadata().getResourceVersion()).isEqualTo("1");
    assertThat(created.getStatus()).isNull();
    assertThat(store.get(Deployment.class, KEY)).isEqualTo(created);
    assertThat(store.resourceVersion()).isEqualTo(1);
  }

  static Stream<Arguments> refusedCreates() {
    Deployment noNamespace = deployment("a", 1);
    noNamespace.getMetadata().setNamespace(null);
    Deployment versioned = deployment("a", 1);
    versioned.getMetadata().setResourceVersion("7");
    return Stream.of(
        Arguments.of("a name taken", deployment("taken", 1), 409, "already exists"),
        Arguments.of("no name", deployment(null, 1), 422, "metadata.name"),
        Arguments.of("an upper-case name", deployment("Hello", 1), 422, "metadata.name"),
        Arguments.of("no namespace", noNamespace, 422, "metadata.namespace"),
        Arguments.of("a resourceVersion", versioned, 422, "must be unset to create"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCreates")
  void refusedCreate(String name, Deployment d, int code, String message) {
    ObjectStore store = store();
    store.create(deployment("taken", 1));
    assertThatThrownBy(() -> store.create(d))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(code(e)).isEqualTo(code));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void aKindTheStoreDoesNotKeepIsRefused() {
    ConfigMap cm = new ConfigMap();
    cm.getMetadata();
    assertThatThrownBy(() -> store().create(cm))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not keep");
  }

  // ---- update, generation, status ----

  record Change(String name, Consumer<Deployment> change, long generation, boolean written) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Change> updates() {
    return Stream.of(
        new Change("a spec change bumps the generation", d -> d.getSpec().setReplicas(3), 2, true),
        new Change(
            "a label change does not", d -> d.getMetadata().getLabels().put("x", "y"), 1, true),
        new Change(
            "a status change is ignored",
            d -> d.setStatus(new DeploymentStatusBuilder().withReplicas(9).build()),
            1,
            false),
        new Change("nothing changed writes nothing", d -> {}, 1, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void update(Change c) {
    ObjectStore store = store();
    Deployment d = store.create(deployment("hello-deployment", 1));
    c.change().accept(d);
    Deployment updated = store.update(d);
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(c.generation());
    assertThat(updated.getStatus()).isNull();
    assertThat(updated.getMetadata().getUid()).isEqualTo("uid-1");
    assertThat(store.resourceVersion()).isEqualTo(c.written() ? 2 : 1);
    assertThat(updated.getMetadata().getResourceVersion()).isEqualTo(c.written() ? "2" : "1");
  }

  @Test
  void aStaleUpdateIsAConflictAndChangesNothing() {
    ObjectStore store = store();
    Deployment first = store.create(deployment("hello-deployment", 1));
    Deployment other = store.get(Deployment.class, KEY);
    other.getSpec().setReplicas(2);
    store.update(other);
    first.getSpec().setReplicas(5);
    assertThatThrownBy(() -> store.update(first))
        .satisfies(e -> assertThat(StoreErrors.isConflict(e)).isTrue())
        .hasMessageContaining("the object has been modified");
    assertThat(store.get(Deployment.class, KEY).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void anUpdateOfNothingIsNotFoundAndAnUnversionedOneInvalid() {
    ObjectStore store = store();
    Deployment d = deployment("hello-deployment", 1);
    d.getMetadata().setResourceVersion("1");
    assertThatThrownBy(() -> store.update(d)).satisfies(e -> assertThat(code(e)).isEqualTo(404));
    Deployment created = store.create(deployment("hello-deployment", 1));
    created.getMetadata().setResourceVersion(null);
    assertThatThrownBy(() -> store.update(created))
        .satisfies(e -> assertThat(code(e)).isEqualTo(422));
  }

  @Test
  void statusWritesNeverTouchTheSpecNorTheGeneration() {
    ObjectStore store = store();
    store.create(deployment("hello-deployment", 1));
    store.replaceStatus(
        Deployment.class, KEY, new DeploymentStatusBuilder().withReadyReplicas(1).build());
    Deployment d = store.get(Deployment.class, KEY);
    assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(d.getMetadata().getResourceVersion()).isEqualTo("2");
    // an update keeps the status the status writes made
    d.getSpec().setReplicas(4);
    d.setStatus(null);
    Deployment updated = store.update(d);
    assertThat(updated.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void statusFieldsMergeOrReplaceTheirOwnFieldsOnly() {
    ObjectStore store = store();
    PodAutoscalerResource pa = new PodAutoscalerResource();
    pa.getMetadata().setName("hello-00001");
    pa.getMetadata().setNamespace("default");
    store.create(pa);
    ObjectKey key = new ObjectKey("default", "hello-00001");
    assertThatThrownBy(
            () -> store.replaceStatusFields(PodAutoscalerResource.class, key, Map.of("x", 1)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(422));

    store.mergeStatusFields(PodAutoscalerResource.class, key, Map.of("desiredScale", 3));
    Map<String, Object> mine = new LinkedHashMap<>();
    mine.put("actualScale", 1);
    mine.put(
        "conditions",
        List.of(
            new ConditionBuilder().withType("Active").withStatus("True").build(),
            new ConditionBuilder().withType("Ready").withStatus("True").build()));
    store.replaceStatusFields(PodAutoscalerResource.class, key, mine);
    store.replaceStatusFields(
        PodAutoscalerResource.class,
        key,
        Map.of(
            "conditions",
            List.of(new ConditionBuilder().withType("Ready").withStatus("False").build())));
    PodAutoscalerResource.Status s = store.get(PodAutoscalerResource.class, key).getStatus();
    assertThat(s.desiredScale()).isEqualTo(3);
    assertThat(s.actualScale()).isEqualTo(1);
    assertThat(s.conditions()).extracting("type").containsExactly("Ready");
    Map<String, Object> remove = new HashMap<>();
    remove.put("desiredScale", null);
    store.mergeStatusFields(PodAutoscalerResource.class, key, remove);
    assertThat(store.get(PodAutoscalerResource.class, key).getStatus().desiredScale()).isNull();
  }

  @Test
  void metadataPatchesMergeLabelsAndAnnotations() {
    ObjectStore store = store();
    store.create(deployment("hello-deployment", 1));
    store.patchMetadata(Deployment.class, KEY, Map.of("state", "active"), Map.of("at", "now"));
    Deployment d = store.get(Deployment.class, KEY);
    assertThat(d.getMetadata().getLabels())
        .containsEntry("app", "hello")
        .containsEntry("state", "active");
    assertThat(d.getMetadata().getAnnotations()).containsEntry("at", "now");
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);
    assertThatThrownBy(
            () ->
                store.patchMetadata(
                    Deployment.class, new ObjectKey("default", "nope"), Map.of("a", "b"), null))
        .satisfies(e -> assertThat(code(e)).isEqualTo(404));
  }

  @Test
  void whatGoesInAndComesOutAreCopies() {
    ObjectStore store = store();
    Deployment given = deployment("hello-deployment", 1);
    Deployment created = store.create(given);
    given.getSpec().setReplicas(7);
    created.getSpec().setReplicas(8);
    store.get(Deployment.class, KEY).getMetadata().getLabels().put("mutated", "yes");
    store.list(Deployment.class).get(0).getSpec().setReplicas(9);
    Deployment now = store.get(Deployment.class, KEY);
    assertThat(now.getSpec().getReplicas()).isEqualTo(1);
    assertThat(now.getMetadata().getLabels()).doesNotContainKey("mutated");
  }

  @Test
  void concurrentWritersNeverLoseAnUpdate() throws Exception {
    ObjectStore store = store();
    store.create(deployment("hello-deployment", 0));
    int writers = 4;
    int each = 50;
    AtomicInteger conflicts = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < writers; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  while (true) {
                    Deployment d = store.get(Deployment.class, KEY);
                    d.getSpec().setReplicas(d.getSpec().getReplicas() + 1);
                    try {
                      store.update(d);
                      break;
                    } catch (KubernetesClientException e) {
                      assertThat(StoreErrors.isConflict(e)).isTrue();
                      conflicts.incrementAndGet();
                    }
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    Deployment d = store.get(Deployment.class, KEY);
    assertThat(d.getSpec().getReplicas()).isEqualTo(writers * each);
    assertThat(d.getMetadata().getGeneration()).isEqualTo(1L + writers * each);
    assertThat(store.resourceVersion()).isEqualTo(1L + writers * each);
  }

  // ---- delete ----

  @Test
  void deleteCascadesToWhatOnlyTheDeletedOwned() {
    ObjectStore store = store();
    Deployment owner = store.create(deployment("hello-deployment", 1));
    Deployment other = store.create(deployment("other", 1));
    Pod only = store.create(pod("only", owner));
    store.create(pod("grandchild", only));
    store.create(pod("shared", owner, other));
    store.create(pod("unrelated"));
    deliver();
    List<String> seen = new ArrayList<>();
    store.watch(Pod.class, recorder(seen));
    deliver();
    seen.clear();

    store.delete(Deployment.class, KEY);
    deliver();

    assertThat(store.list(Pod.class))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("shared", "unrelated");
    Pod shared = store.get(Pod.class, new ObjectKey("default", "shared"));
    assertThat(shared.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid)
        .containsExactly(other.getMetadata().getUid());
    assertThat(seen).containsExactly("delete only", "delete grandchild", "update shared");
    // gone already is fine
    store.delete(Deployment.class, KEY);
  }

  // ---- reads ----

  @Test
  void listsByNamespaceLabelsOwnerAndIndex() {
    ObjectStore store = store();
    Deployment owner = store.create(deployment("hello-deployment", 1));
    Deployment b = deployment("b", 1);
    b.getMetadata().setNamespace("other");
    b.getMetadata().getLabels().put("tier", "web");
    store.create(b);
    store.create(pod("p1", owner));
    store.addIndex(
        Deployment.class,
        "byApp",
        d -> List.of(d.getMetadata().getLabels().getOrDefault("app", "")));

    assertThat(store.list(Deployment.class))
        .extracting(d -> d.getMetadata().getNamespace())
        .containsExactly("default", "other");
    assertThat(store.list(Deployment.class, "other")).hasSize(1);
    assertThat(store.list(Deployment.class, "defaul")).isEmpty();
    assertThat(store.list(Deployment.class, null, Map.of("tier", "web")))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("b");
    assertThat(store.ownedBy(Pod.class, owner.getMetadata().getUid())).hasSize(1);
    assertThat(store.byIndex(Deployment.class, "byApp", "hello")).hasSize(2);
    Deployment c = store.create(deployment("c", 1));
    c.getMetadata().getLabels().put("app", "bye");
    store.update(c);
    assertThat(store.byIndex(Deployment.class, "byApp", "hello")).hasSize(2);
    assertThat(store.byIndex(Deployment.class, "byApp", "bye"))
        .extracting(d -> d.getMetadata().getName())
        .containsExactly("c");
  }

  // ---- watch ----

  static <T extends HasMetadata> StoreHandler<T> recorder(List<String> seen) {
    return new StoreHandler<>() {
      @Override
      public void onAdd(T o) {
        seen.add("add " + o.getMetadata().getName());
      }

      @Override
      public void onUpdate(T before, T after) {
        seen.add("update " + after.getMetadata().getName());
      }

      @Override
      public void onDelete(T o) {
        seen.add("delete " + o.getMetadata().getName());
      }
    };
  }

  @Test
  void watchEventsComeInTheOrderOfTheChangesAfterTheExistingObjects() {
    ObjectStore store = store();
    store.create(deployment("a", 1));
    List<String> seen = new ArrayList<>();
    store.watch(Deployment.class, recorder(seen));
    Deployment b = store.create(deployment("b", 1));
    b.getSpec().setReplicas(2);
    store.update(b);
    store.replaceStatus(
        Deployment.class,
        new ObjectKey("default", "a"),
        new DeploymentStatusBuilder().withReplicas(1).build());
    store.update(store.get(Deployment.class, new ObjectKey("default", "b"))); // no change: no event
    store.delete(Deployment.class, new ObjectKey("default", "a"));
    assertThat(seen).isEmpty(); // nothing on the writer's thread
    deliver();
    assertThat(seen).containsExactly("add a", "add b", "update b", "update a", "delete a");
  }

  @Test
  void aCancelledWatchGetsNothingMore() throws Exception {
    ObjectStore store = store();
    List<String> seen = new ArrayList<>();
    AutoCloseable watch = store.watch(Deployment.class, recorder(seen));
    store.create(deployment("a", 1));
    watch.close();
    store.create(deployment("b", 1));
    deliver();
    assertThat(seen).isEmpty();
  }

  @Test
  void anUpdateEventCarriesBothSidesAndAFailingHandlerStopsNoOther() {
    ObjectStore store = store();
    List<Integer> replicas = new ArrayList<>();
    store.watch(
        Deployment.class,
        new StoreHandler<>() {
          @Override
          public void onAdd(Deployment o) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void onUpdate(Deployment before, Deployment after) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void onDelete(Deployment o) {}
        });
    store.watch(
        Deployment.class,
        new StoreHandler<>() {
          @Override
          public void onAdd(Deployment o) {
            replicas.add(o.getSpec().getReplicas());
          }

          @Override
          public void onUpdate(Deployment before, Deployment after) {
            replicas.add(before.getSpec().getReplicas());
            replicas.add(after.getSpec().getReplicas());
            after.getSpec().setReplicas(99); // a copy: changes nothing
          }

          @Override
          public void onDelete(Deployment o) {}
        });
    Deployment d = store.create(deployment("hello-deployment", 1));
    d.getSpec().setReplicas(2);
    store.update(d);
    deliver();
    assertThat(replicas).containsExactly(1, 1, 2);
    assertThat(store.get(Deployment.class, KEY).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void byDefaultEventsAreDeliveredOnTheStoresOwnThread() throws Exception {
    ObjectStore store = store(options().withEvents(null));
    CountDownLatch added = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    store.onChange(
        Deployment.class,
        d -> {
          thread.set(Thread.currentThread().getName());
          added.countDown();
        });
    store.create(deployment("hello-deployment", 1));
    assertThat(added.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).isEqualTo("pilotlight-store-events");
  }

  // ---- bounds ----

  @Test
  void theCapRefusesCreatesWithAClearErrorUntilSomethingIsDeleted() {
    ObjectStore store = store(options().withMaxObjects(2));
    store.create(deployment("a", 1));
    store.create(deployment("b", 1));
    assertThatThrownBy(() -> store.create(deployment("c", 1)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(403))
        .hasMessageContaining("maximum of 2 objects");
    store.delete(Deployment.class, new ObjectKey("default", "a"));
    store.create(deployment("c", 1));
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void anObjectTooLargeIsRefusedAndChangesNothing() {
    ObjectStore store = store(options().withMaxObjectBytes(2048));
    Deployment d = store.create(deployment("hello-deployment", 1));
    d.getMetadata().setAnnotations(Map.of("big", "x".repeat(4096)));
    assertThatThrownBy(() -> store.update(d)).satisfies(e -> assertThat(code(e)).isEqualTo(413));
    assertThat(store.get(Deployment.class, KEY).getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(store.resourceVersion()).isEqualTo(1);
  }

  // ---- persistence ----

  @Test
  void aReopenedStoreHasEveryObjectAsItWasAndVersionsKeepGrowing() {
    StoreOptions everyKindPersisted = options().withStateDir(dir).withTransient(Set.of());
    ObjectStore store = store(everyKindPersisted);
    Deployment owner = store.create(deployment("hello-deployment", 1));
    store.replaceStatus(
        Deployment.class, KEY, new DeploymentStatusBuilder().withReadyReplicas(1).build());
    owner = store.get(Deployment.class, KEY);
    owner.getSpec().setReplicas(2);
    store.update(owner);
    store.create(pod("p1", owner));
    RevisionResource rev = new RevisionResource();
    rev.getMetadata().setName("hello-00001");
    rev.getMetadata().setNamespace("default");
    store.create(rev);
    List<HasMetadata> before = new ArrayList<>();
    before.addAll(store.list(Deployment.class));
    before.addAll(store.list(Pod.class));
    before.addAll(store.list(RevisionResource.class));
    long version = store.resourceVersion();
    store.close(); // as good as kill -9: every acknowledged write is on disk already

    ObjectStore again = store(everyKindPersisted);
    List<HasMetadata> after = new ArrayList<>();
    after.addAll(again.list(Deployment.class));
    after.addAll(again.list(Pod.class));
    after.addAll(again.list(RevisionResource.class));
    assertThat(after).isEqualTo(before);
    assertThat(again.resourceVersion()).isEqualTo(version);
    assertThat(again.create(deployment("next", 1)).getMetadata().getResourceVersion())
        .isEqualTo(Long.toString(version + 1));
    // the owner index is rebuilt: the cascade still works
    again.delete(Deployment.class, KEY);
    assertThat(again.list(Pod.class)).isEmpty();
  }

  @Test
  void transientKindsAreKeptInMemoryOnlyAndTheirWritesLeaveTheFileAlone() throws Exception {
    ObjectStore store = store(options().withStateDir(dir)); // Pods and EndpointSlices transient
    Deployment owner = store.create(deployment("hello-deployment", 1));
    Path file = dir.resolve(StateFile.NAME);
    byte[] persisted = Files.readAllBytes(file);
    Pod pod = store.create(pod("p1", owner));
    store.replaceStatus(Pod.class, ObjectKey.of(pod), Map.of("phase", "Running"));
    store.deleteGracefully(Pod.class, ObjectKey.of(pod));
    store.create(pod("p2", owner));
    assertThat(Files.readAllBytes(file)).isEqualTo(persisted); // no write, no fsync
    assertThat(store.list(Pod.class)).hasSize(2);
    long version = store.resourceVersion();
    assertThat(version).isEqualTo(5);

    // a persistent write after them keeps the versions they took, and only the persistent objects
    store.create(deployment("second", 1));
    assertThat(Files.readString(file)).doesNotContain("\"Pod\"");
    store.close();

    ObjectStore again = store(options().withStateDir(dir));
    assertThat(again.list(Pod.class)).isEmpty();
    assertThat(again.list(Deployment.class)).hasSize(2);
    assertThat(again.resourceVersion()).isEqualTo(version + 1);
    assertThat(again.create(pod("p1")).getMetadata().getResourceVersion())
        .isEqualTo(Long.toString(version + 2));
  }

  @Test
  void anObjectOfAKindNowTransientInAnOlderFileIsNotLoaded() {
    ObjectStore store = store(options().withStateDir(dir).withTransient(Set.of()));
    Deployment owner = store.create(deployment("hello-deployment", 1));
    store.create(pod("p1", owner));
    store.close();

    ObjectStore again = store(options().withStateDir(dir));
    assertThat(again.list(Pod.class)).isEmpty();
    assertThat(again.list(Deployment.class)).hasSize(1);
    assertThat(again.resourceVersion()).isEqualTo(2);
  }

  @Test
  void aTransientKindMustBeAKindOfTheStore() {
    assertThatThrownBy(() -> options().withTransient(Set.of(ConfigMap.class)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transientKinds")
        .hasMessageContaining("ConfigMap");
  }

  @Test
  void aGracefulDeleteMarksTheObjectOnceAndAnUpdateKeepsTheMark() {
    ObjectStore store = store();
    Pod pod = store.create(pod("p1"));
    ObjectKey key = ObjectKey.of(pod);
    store.deleteGracefully(Pod.class, key);
    Pod marked = store.get(Pod.class, key);
    assertThat(marked.getMetadata().getDeletionTimestamp()).isEqualTo("2026-01-02T03:04:05Z");
    store.deleteGracefully(Pod.class, key);
    assertThat(store.get(Pod.class, key).getMetadata().getResourceVersion())
        .isEqualTo(marked.getMetadata().getResourceVersion());
    marked.getMetadata().setLabels(Map.of("a", "b"));
    marked.getMetadata().setDeletionTimestamp(null);
    assertThat(store.update(marked).getMetadata().getDeletionTimestamp())
        .isEqualTo("2026-01-02T03:04:05Z");
    assertThatThrownBy(() -> store.deleteGracefully(Pod.class, new ObjectKey("default", "none")))
        .satisfies(e -> assertThat(code(e)).isEqualTo(404));
  }

  /** Fails the file write after {@code limit} bytes of the temporary file, once armed. */
  static final class Crash {
    volatile boolean armed;

    OutputStream wrap(OutputStream out) {
      if (!armed) {
        return out;
      }
      return new FilterOutputStream(out) {
        int written;

        @Override
        public void write(int b) throws IOException {
          if (++written > 64) {
            throw new IOException("disk gone mid-write");
          }
          super.write(b);
        }
      };
    }
  }

  @Test
  void aCrashMidWriteLeavesThePreviousFileAndTheStoreUnchanged() throws Exception {
    Crash crash = new Crash();
    ObjectStore store = ObjectStore.open(options().withStateDir(dir), crash::wrap);
    opened.add(store);
    List<String> seen = new ArrayList<>();
    store.watch(Deployment.class, recorder(seen));
    store.create(deployment("hello-deployment", 1));
    byte[] previous = Files.readAllBytes(dir.resolve(StateFile.NAME));

    crash.armed = true;
    assertThatThrownBy(() -> store.create(deployment("b", 1)))
        .satisfies(e -> assertThat(code(e)).isEqualTo(500))
        .hasMessageContaining("nothing changed");
    assertThatThrownBy(() -> store.delete(Deployment.class, KEY))
        .satisfies(e -> assertThat(code(e)).isEqualTo(500));
    deliver();

    assertThat(store.get(Deployment.class, new ObjectKey("default", "b"))).isNull();
    assertThat(store.get(Deployment.class, KEY)).isNotNull();
    assertThat(store.resourceVersion()).isEqualTo(1);
    assertThat(seen).containsExactly("add hello-deployment");
    assertThat(Files.readAllBytes(dir.resolve(StateFile.NAME))).isEqualTo(previous);
    assertThat(dir.resolve(StateFile.NAME + ".tmp")).doesNotExist();

    crash.armed = false;
    assertThat(store.create(deployment("b", 1)).getMetadata().getResourceVersion()).isEqualTo("2");
  }

  @Test
  void aTornTemporaryFileFromAKilledProcessIsIgnoredAndRemoved() throws Exception {
    ObjectStore store = store(options().withStateDir(dir));
    store.create(deployment("hello-deployment", 1));
    store.close();
    Path tmp = dir.resolve(StateFile.NAME + ".tmp");
    Files.writeString(tmp, "{\"format\":\"pilotlight.dev/object-store/v1\",\"objects\":[{\"api");

    ObjectStore again = store(options().withStateDir(dir));
    assertThat(again.list(Deployment.class)).hasSize(1);
    assertThat(tmp).doesNotExist();
  }

  @Test
  void anUnreadableFileStopsTheStoreWithItsName() throws Exception {
    Files.writeString(dir.resolve(StateFile.NAME), "[1,2]", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> store(options().withStateDir(dir)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(dir.resolve(StateFile.NAME).toString())
        .hasMessageContaining("format");
  }
}
