package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.runtime.local.ContainerEngine;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One `pilotlight local` run of three image-only Services, as Kubernetes would run their pods:
 *
 * <ul>
 *   <li>{@code pod}: a serving busybox httpd and a sidecar httpd on port 9000, one pod: the serving
 *       container's CGI fetches {@code localhost:9000} (the shared network namespace), its exec
 *       readiness probe does too (run through the engine), and it runs as {@code runAsUser: 1234}
 *       on a read-only root with every capability dropped (the CGI prints {@code id -u} and whether
 *       it can write {@code /});
 *   <li>{@code unwell}: a liveness probe that always fails restarts the instance, counted in the
 *       restarts metric;
 *   <li>{@code rooted}: {@code runAsNonRoot} with an image that runs as root is refused, the
 *       revision's message says why;
 * </ul>
 *
 * a sidecar's crash restarts its instance; a run killed with SIGKILL leaves its pods, which the
 * next start with the same state directory removes; and after that run's stop no container and no
 * pod is left. The test image is built from {@code scratch} with a static busybox (no registry).
 */
class LocalPodIT {
  static final String IMAGE = "localhost/pilotlight-test-pod:1";

  @TempDir Path dir;

  @BeforeAll
  static void image(@TempDir Path build) throws Exception {
    TestContainers.engine();
    TestContainers.buildImage(
        IMAGE,
        build,
        Map.of(
            "side/side.txt",
            "from the sidecar\n",
            "www/cgi-bin/check",
            """
            #!/bin/busybox sh
            if /bin/busybox touch /written 2>/dev/null; then root=rw; else root=ro; fi
            body="uid $(/bin/busybox id -u)
            root $root
            $(/bin/busybox wget -q -O - http://127.0.0.1:9000/side.txt)"
            printf 'Content-Type: text/plain\r\nContent-Length: %s\r\n\r\n%s\n' $((${#body} + 1)) "$body"
            """),
        "[\"/bin/busybox\", \"sh\", \"-c\", \"exec /bin/busybox httpd -f -p $PORT -h /www\"]");
  }

  @Test
  void sidecarsShareTheNetworkProbesRunAsKubernetesRunsThemAndNothingIsLeft() throws Exception {
    Path manifest = dir.resolve("pods.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: pod
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/min-scale: "1"
            spec:
              containers:
                - name: app
                  image: %1$s
                  imagePullPolicy: Never
                  ports: [{containerPort: 8080}]
                  startupProbe:
                    tcpSocket: {port: 8080}
                    periodSeconds: 1
                  readinessProbe:
                    exec:
                      command: ["/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9000/side.txt"]
                  securityContext:
                    runAsUser: 1234
                    runAsNonRoot: true
                    readOnlyRootFilesystem: true
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
                - name: side
                  image: %1$s
                  imagePullPolicy: Never
                  command: ["/bin/busybox", "httpd", "-f", "-p", "9000", "-h", "/side"]
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: unwell
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/min-scale: "1"
            spec:
              containers:
                - image: %1$s
                  imagePullPolicy: Never
                  livenessProbe:
                    exec:
                      command: ["/bin/busybox", "test", "-f", "/never"]
                    periodSeconds: 1
                    failureThreshold: 2
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata:
          name: rooted
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/min-scale: "1"
            spec:
              containers:
                - image: %1$s
                  imagePullPolicy: Never
                  securityContext:
                    runAsNonRoot: true
        """
            .formatted(IMAGE));
    String owner;
    try (LocalProcess local = new LocalProcess(dir, List.of(), manifest)) {
      local.awaitReady("pod");
      var r = get(local, "pod.default.localhost", "/cgi-bin/check");
      assertThat(r.statusCode()).as(local.logTail()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("uid 1234\nroot ro\nfrom the sidecar\n");

      String ids =
          TestContainers.run(
              List.of("ps", "-q", "--filter", "label=" + ContainerEngine.INSTANCE_LABEL));
      String id = ids.lines().findFirst().orElseThrow().trim();
      owner =
          TestContainers.run(
                  List.of(
                      "inspect",
                      "--format",
                      "{{index .Config.Labels \"" + ContainerEngine.OWNER_LABEL + "\"}}",
                      id))
              .trim();
      String pods =
          TestContainers.run(
              List.of(
                  "pod",
                  "ps",
                  "-q",
                  "--filter",
                  "label=" + ContainerEngine.OWNER_LABEL + "=" + owner));
      assertThat(pods).as("the pod instance's pod, labelled with its owner").isNotBlank();

      Await.until(
          "the unwell instance restarted by its liveness probe",
          Duration.ofSeconds(60),
          () -> restarts(local, "default/unwell-00001") >= 1);
      Await.until(
          "the liveness restart's reason in the log",
          Duration.ofSeconds(30),
          () -> local.logText().contains("liveness probe failed 2 times"));

      Await.until(
          "the rooted revision refused: its image runs as root",
          Duration.ofSeconds(60),
          () ->
              local
                  .revision("rooted-00001")
                  .map(rev -> rev.path("message").asText(""))
                  .orElse("")
                  .contains("runAsNonRoot and image " + IMAGE + " will run as root"));
      assertThat(local.service("rooted").orElseThrow().path("ready").asBoolean()).isFalse();

      // the sidecar's crash restarts the whole instance (Kubernetes would restart the container)
      String side =
          TestContainers.run(
                  List.of(
                      "ps",
                      "-q",
                      "--filter",
                      "label=" + ContainerEngine.OWNER_LABEL + "=" + owner,
                      "--filter",
                      "name=-side"))
              .trim();
      assertThat(side).as("the sidecar container").isNotBlank();
      assertThat(TestContainers.run(List.of("kill", side.lines().findFirst().orElseThrow())))
          .isNotNull();
      Await.until(
          "the pod instance restarted after its sidecar's crash",
          Duration.ofSeconds(60),
          () -> restarts(local, "default/pod-00001") >= 1);
      // the event line follows the pod's status through the store's watch: waited for, not raced
      Await.until(
          "the restart's reason in the log",
          Duration.ofSeconds(30),
          () -> local.logText().contains("container side exited with code"));
      local.awaitReady("pod");
      Await.until(
          "the restarted pod serves again",
          Duration.ofSeconds(60),
          () -> get(local, "pod.default.localhost", "/cgi-bin/check").statusCode() == 200);

      // killed with no chance to clean up: its pods stay, until the next start removes them
      local.process.destroyForcibly();
      local.process.waitFor(30, TimeUnit.SECONDS);
    }
    String filter = "label=" + ContainerEngine.OWNER_LABEL + "=" + owner;
    List<String> leftPods =
        TestContainers.run(List.of("pod", "ps", "-q", "--filter", filter)).lines().toList();
    List<String> leftContainers =
        TestContainers.run(List.of("ps", "-a", "-q", "--filter", filter)).lines().toList();
    assertThat(leftPods).as("pods left by a killed run").isNotEmpty();
    String foreign = "pilotlight-it-foreign-" + ProcessHandle.current().pid();
    assertThat(
            TestContainers.run(
                List.of(
                    "pod",
                    "create",
                    "--name=" + foreign,
                    "--label=" + ContainerEngine.OWNER_LABEL + "=someone-else")))
        .as("another owner's pod")
        .isNotNull();
    try (LocalProcess again = new LocalProcess(dir, List.of(), manifest)) {
      again.awaitReady("pod");
      List<String> pods =
          TestContainers.run(List.of("pod", "ps", "-q", "--filter", filter)).lines().toList();
      List<String> containers =
          TestContainers.run(List.of("ps", "-a", "-q", "--filter", filter)).lines().toList();
      assertThat(pods)
          .as("the killed run's pods, removed at the next start")
          .doesNotContainAnyElementsOf(leftPods);
      assertThat(containers)
          .as("the killed run's containers, removed at the next start")
          .doesNotContainAnyElementsOf(leftContainers);
      again.stop(); // SIGTERM, as a user stops it
    } finally {
      String exists = TestContainers.run(List.of("pod", "exists", foreign));
      TestContainers.run(List.of("pod", "rm", "-f", foreign));
      assertThat(exists).as("another owner's pod, untouched").isNotNull();
    }
    assertThat(TestContainers.run(List.of("ps", "-a", "-q", "--filter", filter)))
        .as("containers left after the stop")
        .isBlank();
    assertThat(TestContainers.run(List.of("pod", "ps", "-q", "--filter", filter)))
        .as("pods left after the stop")
        .isBlank();
  }

  static HttpResponse<String> get(LocalProcess local, String host, String path)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local.port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(60))
            .build();
    return local.http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  /** The restarts counter of a revision on the admin port's {@code /metrics}. */
  static double restarts(LocalProcess local, String revision)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local.adminPort + "/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    String text = local.http.send(req, HttpResponse.BodyHandlers.ofString()).body();
    Matcher m =
        Pattern.compile(
                "pilotlight_instances_restarts_total\\{revision=\""
                    + Pattern.quote(revision)
                    + "\"\\} (\\S+)")
            .matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
