package dev.pilotlight.controller.store;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.file.Path;

/**
 * A process for {@link ObjectStoreCrashIT}: creates Deployments in the store at {@code args[0]} one
 * after another, printing each name once its create has returned, until it is killed.
 */
public final class StoreWriterMain {
  private StoreWriterMain() {}

  public static void main(String[] args) {
    ObjectStore store = ObjectStore.open(StoreOptions.persistent(Path.of(args[0])));
    for (int i = 0; ; i++) {
      Deployment d =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("d-" + i)
              .withNamespace("default")
              .endMetadata()
              .withNewSpec()
              .withReplicas(i)
              .endSpec()
              .build();
      store.create(d);
      System.out.println(d.getMetadata().getName());
      System.out.flush();
    }
  }
}
