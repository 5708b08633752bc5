package dev.pilotlight.controller.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.objects.ObjectHandler;
import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A store's kind as an informer-like source: selection, reads, indexes, events. */
class StoreSourceTest {
  static final String REV = KubernetesNames.REVISION_LABEL;

  final ObjectStore store = ObjectStore.open(StoreOptions.inMemory().withEvents(Runnable::run));

  @AfterEach
  void close() {
    store.close();
  }

  static EndpointSlice slice(String namespace, String name, String revision) {
    Map<String, String> labels = new HashMap<>();
    if (revision != null) {
      labels.put(REV, revision);
    }
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withAddressType("IPv4")
        .build();
  }

  /** Records each event as {@code add a}, {@code update a}, {@code delete a}. */
  static final class Recorder<T extends HasMetadata> implements ObjectHandler<T> {
    final List<String> events = new ArrayList<>();

    @Override
    public void onAdd(T o) {
      events.add("add " + o.getMetadata().getName());
    }

    @Override
    public void onUpdate(T before, T after) {
      events.add("update " + after.getMetadata().getName());
    }

    @Override
    public void onDelete(T o) {
      events.add("delete " + o.getMetadata().getName());
    }
  }

  StoreSource<EndpointSlice> revisionSlices(String namespace) {
    return new StoreSource<>(store, EndpointSlice.class, namespace, LabelSelectors.exists(REV));
  }

  @Test
  void readsAnswerTheSelectionOnly() {
    store.create(slice("default", "a", "hello-00001"));
    store.create(slice("default", "b", null));
    store.create(slice("other", "c", "hello-00001"));
    StoreSource<EndpointSlice> source = revisionSlices("default");

    assertThat(source.list()).extracting(s -> s.getMetadata().getName()).containsExactly("a");
    assertThat(source.get("default", "a")).isNotNull();
    assertThat(source.get("default", "b")).as("without the label").isNull();
    assertThat(source.get("other", "c")).as("another namespace").isNull();
    assertThat(source.get("default", "missing")).isNull();
    assertThat(new StoreSource<>(store, EndpointSlice.class).list()).hasSize(3);
  }

  @Test
  void handlersGetTheSelectionFirstThenItsChanges_enteringAndLeavingAsAddAndDelete() {
    store.create(slice("default", "a", "hello-00001"));
    store.create(slice("default", "b", null));
    StoreSource<EndpointSlice> source = revisionSlices(null);
    Recorder<EndpointSlice> early = new Recorder<>();
    source.addHandler(early);
    store.create(slice("default", "c", "hello-00001"));
    assertThat(early.events).as("nothing before start").isEmpty();

    source.start().join();
    assertThat(source.synced()).isTrue();
    assertThat(early.events).containsExactlyInAnyOrder("add a", "add c");

    store.patchMetadata(EndpointSlice.class, new ObjectKey("default", "b"), Map.of(REV, "x"), null);
    store.patchMetadata(
        EndpointSlice.class, new ObjectKey("default", "a"), null, Map.of("note", "1"));
    EndpointSlice c = store.get(EndpointSlice.class, new ObjectKey("default", "c"));
    c.getMetadata().getLabels().remove(REV);
    store.update(c);
    store.delete(EndpointSlice.class, new ObjectKey("default", "a"));
    store.delete(EndpointSlice.class, new ObjectKey("default", "c"));
    assertThat(early.events)
        .containsExactlyInAnyOrder("add a", "add c", "add b", "update a", "delete c", "delete a");
    assertThat(early.events.subList(2, 6))
        .containsExactly("add b", "update a", "delete c", "delete a");

    Recorder<EndpointSlice> late = new Recorder<>();
    source.addHandler(late);
    assertThat(late.events).as("a late handler gets what is there").containsExactly("add b");

    source.close();
    store.create(slice("default", "d", "hello-00002"));
    assertThat(early.events).doesNotContain("add d");
    assertThat(late.events).containsExactly("add b");
  }

  @Test
  void indexesKeySelectedObjects_addedOnlyBeforeStart() {
    StoreSource<EndpointSlice> source = revisionSlices("default");
    source.addIndex("revision", s -> List.of(s.getMetadata().getLabels().get(REV)));
    StoreSource<EndpointSlice> other = revisionSlices(null);
    other.addIndex("revision", s -> List.of(s.getMetadata().getLabels().get(REV)));
    store.create(slice("default", "a", "hello-00001"));
    store.create(slice("default", "b", "hello-00001"));
    store.create(slice("other", "c", "hello-00001"));
    store.create(slice("default", "d", null));

    assertThat(source.byIndex("revision", "hello-00001"))
        .extracting(s -> s.getMetadata().getName())
        .containsExactlyInAnyOrder("a", "b");
    assertThat(other.byIndex("revision", "hello-00001")).hasSize(3);
    assertThat(source.byIndex("revision", "nope")).isEmpty();
    assertThatThrownBy(() -> source.byIndex("missing", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
    assertThatThrownBy(() -> source.addIndex("revision", s -> List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");

    source.start().join();
    assertThatThrownBy(() -> source.addIndex("late", s -> List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
  }

  @Test
  void aKindTheStoreDoesNotKeepIsRefusedAtOnce() {
    ObjectStore slicesOnly =
        ObjectStore.open(
            new StoreOptions(
                null,
                10,
                1 << 20,
                java.time.Clock.systemUTC(),
                () -> java.util.UUID.randomUUID().toString(),
                Runnable::run,
                List.of(EndpointSlice.class),
                java.util.Set.of()));
    assertThatThrownBy(
            () -> new StoreSource<>(slicesOnly, io.fabric8.kubernetes.api.model.Pod.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Pod");
  }
}
