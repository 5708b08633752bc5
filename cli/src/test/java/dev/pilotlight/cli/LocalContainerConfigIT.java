package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.controller.runtime.local.ContainerEngine;
import dev.pilotlight.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConfigMaps and Secrets from the manifest directory reach a container as Kubernetes gives them, in
 * one {@code pilotlight local} run: a Service whose env reads a Secret that is not declared yet is
 * not started and says {@code secret "creds" not found}; once the Secret's file appears it starts;
 * a ConfigMap volume's file is served by the container's httpd, and a projected Secret's, the
 * Secret's value is in the env (printed by a CGI script), a Memory emptyDir is a tmpfs of its
 * sizeLimit, an edit of the ConfigMap is served without a new revision, and no container is left
 * after the stop. The image is built locally from {@code scratch} with a static busybox (no
 * registry).
 */
class LocalContainerConfigIT {
  static final String IMAGE = "localhost/pilotlight-test-httpd-cgi:1";
  static final String HOST = "configured.default.localhost";

  @TempDir Path dir;

  @BeforeAll
  static void image(@TempDir Path build) throws Exception {
    TestContainers.engine();
    TestContainers.buildImage(
        IMAGE,
        build,
        Map.of(
            "www/cgi-bin/env",
            """
            #!/bin/busybox sh
            body="PASSWORD=$PASSWORD
            GREETING=$GREETING
            SCRATCH=$(/bin/busybox df -k /scratch | /bin/busybox tail -1)
            "
            printf 'Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s' "${#body}" "$body"
            """),
        "[\"/bin/busybox\", \"sh\", \"-c\", \"exec /bin/busybox httpd -f -p $PORT -h /www\"]");
  }

  @Test
  void configMapVolumeAndSecretEnvReachTheContainerAndAConfigMapEditIsServedWithoutARevision()
      throws Exception {
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(
        manifests.resolve("service.yaml"),
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: configured
        spec:
          template:
            spec:
              containers:
                - image: %s
                  imagePullPolicy: Never
                  env:
                    - name: PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: creds
                          key: password
                  envFrom:
                    - configMapRef:
                        name: site
                  volumeMounts:
                    - name: site
                      mountPath: /www/site
                    - name: creds
                      mountPath: /www/creds
                    - name: scratch
                      mountPath: /scratch
              volumes:
                - name: creds
                  projected:
                    sources:
                      - secret:
                          name: creds
                          items:
                            - key: password
                              path: pw
                - name: scratch
                  emptyDir:
                    medium: Memory
                    sizeLimit: 1Mi
                - name: site
                  configMap:
                    name: site
                    items:
                      - key: index.html
                        path: index.html
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: site
        data:
          index.html: "version one\\n"
          GREETING: hello
        """
            .formatted(IMAGE));
    String owner;
    try (LocalProcess local = new LocalProcess(dir, List.of(), manifests)) {
      // the Secret is not there: the revision says what Kubernetes would, nothing crashes
      Await.until(
          "the revision's missing Secret reported",
          Duration.ofSeconds(60),
          () ->
              texts(local.status()).stream()
                  .anyMatch(t -> t.contains("secret \"creds\" not found")));
      assertThat(texts(local.status())).anyMatch(t -> t.contains("CreateContainerConfigError"));

      Files.writeString(
          manifests.resolve("secret.yaml"),
          """
          apiVersion: v1
          kind: Secret
          metadata:
            name: creds
          type: Opaque
          data:
            password: czNjcmV0  # s3cret
          """);
      local.awaitReady("configured");

      var page = local.get(HOST, "/site/index.html");
      assertThat(page.statusCode()).as(local.logTail()).isEqualTo(200);
      assertThat(page.body()).isEqualTo("version one\n");
      var env = local.get(HOST, "/cgi-bin/env");
      assertThat(env.statusCode()).as(local.logTail()).isEqualTo(200);
      assertThat(env.body()).contains("PASSWORD=s3cret").contains("GREETING=hello");
      assertThat(env.body())
          .as("a Memory emptyDir is a tmpfs of its sizeLimit")
          .containsPattern("SCRATCH=tmpfs +1024 ");
      assertThat(local.get(HOST, "/creds/pw").body())
          .as("a projected Secret's file")
          .isEqualTo("s3cret");
      String revision =
          local.service("configured").orElseThrow().path("latestReadyRevisionName").asText();

      // an edit of the ConfigMap: the mounted file changes in the running container
      Path service = manifests.resolve("service.yaml");
      Files.writeString(
          service,
          Files.readString(service)
              .replace("version one\\n", "version two\\n")
              .replace("GREETING: hello", "GREETING: changed"));
      AtomicReference<String> served = new AtomicReference<>();
      Await.until(
          "the edited ConfigMap served",
          Duration.ofSeconds(30),
          () -> {
            served.set(local.get(HOST, "/site/index.html").body());
            return "version two\n".equals(served.get());
          });
      assertThat(local.service("configured").orElseThrow().path("latestReadyRevisionName").asText())
          .as("no new revision for a ConfigMap edit")
          .isEqualTo(revision);
      assertThat(local.get(HOST, "/cgi-bin/env").body())
          .as("env stays as the container started, as on Kubernetes")
          .contains("GREETING=hello");

      String ids =
          TestContainers.run(
              List.of(
                  "ps",
                  "-q",
                  "--filter",
                  "label=" + ContainerEngine.INSTANCE_LABEL,
                  // this test's container only: other runs may share the engine
                  "--filter",
                  "name=-configured-0"));
      String id = ids.lines().findFirst().orElseThrow().trim();
      owner = TestContainers.ownerOf(id);
      local.stop();
    }
    assertThat(TestContainers.leftBy(owner)).as("containers left after the stop").isBlank();
  }

  /** Every text value in a JSON tree. */
  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    collect(node, out);
    return out;
  }

  private static void collect(JsonNode node, List<String> out) {
    if (node.isTextual()) {
      out.add(node.asText());
    }
    node.forEach(n -> collect(n, out));
  }
}
