package dev.pilotlight.controller.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.kubernetes.ObjectKey;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process writing to the store is killed with SIGKILL in the middle of its writes: every create
 * it had seen return is in the store opened again, and the store goes on from there.
 */
class ObjectStoreCrashIT {
  @TempDir Path dir;

  @Test
  void aKilledWriterLosesNoAcknowledgedObject() throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Process writer =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StoreWriterMain.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < 40 && (line = out.readLine()) != null) {
        acknowledged.add(line);
      }
      writer.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, mid-write most likely
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(acknowledged).hasSize(40);

    try (ObjectStore store = ObjectStore.open(StoreOptions.persistent(dir))) {
      for (String name : acknowledged) {
        Deployment d = store.get(Deployment.class, new ObjectKey("default", name));
        assertThat(d).as(name).isNotNull();
        assertThat(d.getSpec().getReplicas())
            .isEqualTo(Integer.parseInt(name.substring("d-".length())));
      }
      long version = store.resourceVersion();
      assertThat(version).isEqualTo(store.size());
      Deployment next =
          store.create(
              new DeploymentBuilder()
                  .withNewMetadata()
                  .withName("after")
                  .withNamespace("default")
                  .endMetadata()
                  .build());
      assertThat(next.getMetadata().getResourceVersion()).isEqualTo(Long.toString(version + 1));
    }
  }
}
