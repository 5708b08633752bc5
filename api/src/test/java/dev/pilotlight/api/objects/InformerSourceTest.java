package dev.pilotlight.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InformerSourceTest {
  final List<ResourceEventHandler<ConfigMap>> handlers = new ArrayList<>();
  final List<Map<?, ?>> indexers = new ArrayList<>();
  final AtomicInteger starts = new AtomicInteger();

  /** An informer that records what the source asks of it. */
  @SuppressWarnings("unchecked")
  SharedIndexInformer<ConfigMap> informer() {
    return (SharedIndexInformer<ConfigMap>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {SharedIndexInformer.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "addEventHandler" -> {
                    handlers.add((ResourceEventHandler<ConfigMap>) args[0]);
                    yield proxy;
                  }
                  case "addIndexers" -> {
                    indexers.add((Map<?, ?>) args[0]);
                    yield proxy;
                  }
                  case "start" -> {
                    starts.incrementAndGet();
                    yield CompletableFuture.completedFuture(null);
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  static ConfigMap object(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .endMetadata()
        .build();
  }

  @Test
  void informerEventsReachTheHandler_aDeleteWithItsFinalStateUnknownAsADelete() {
    InformerSource<ConfigMap> source = new InformerSource<>(informer());
    List<String> seen = new ArrayList<>();
    source.addHandler(
        new ObjectHandler<>() {
          @Override
          public void onAdd(ConfigMap o) {
            seen.add("add " + o.getMetadata().getName());
          }

          @Override
          public void onUpdate(ConfigMap before, ConfigMap after) {
            seen.add(
                "update " + before.getMetadata().getName() + "->" + after.getMetadata().getName());
          }

          @Override
          public void onDelete(ConfigMap o) {
            seen.add("delete " + o.getMetadata().getName());
          }
        });
    ResourceEventHandler<ConfigMap> h = handlers.get(0);
    h.onAdd(object("a"));
    h.onUpdate(object("a"), object("b"));
    h.onDelete(object("b"), false);
    h.onDelete(object("c"), true);
    assertThat(seen).containsExactly("add a", "update a->b", "delete b", "delete c");
  }

  @Test
  void startsOnce_indexesOnlyBefore() {
    InformerSource<ConfigMap> source = new InformerSource<>(informer());
    source.addIndex("by-name", c -> List.of(c.getMetadata().getName()));
    assertThat(indexers).hasSize(1);
    CompletableFuture<Void> first = source.start();
    assertThat(source.start()).isSameAs(first);
    assertThat(starts).hasValue(1);
    assertThatThrownBy(() -> source.addIndex("late", c -> List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("late");
  }
}
