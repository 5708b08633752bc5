package dev.pilotlight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.testkit.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real `pilotlight local` process started from the built jar, as a user runs it, with free ports
 * and its own state directory; stderr goes to a file the test can read.
 */
final class LocalProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "pilotlight.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  final int port;
  final int adminPort;
  final Path stateDir;
  final Path log;
  final Process process;
  final HttpClient http =
      HttpClient.newBuilder()
          // HTTP/1.1: these requests name their route in Host, which over HTTP/2 (the JDK client
          // upgrades to h2c) would differ from the client's :authority, a malformed request
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  LocalProcess(Path workDir, List<String> extraArgs, Path... manifests) throws IOException {
    assertThat(JAR).as("the shaded jar, built by `package` before integration tests").exists();
    this.port = freePort();
    this.adminPort = freePort();
    this.stateDir = workDir.resolve("state");
    this.log = workDir.resolve("pilotlight.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toAbsolutePath().toString());
    cmd.add("local");
    cmd.add("--port=" + port);
    cmd.add("--admin-port=" + adminPort);
    cmd.add("--state-dir=" + stateDir);
    cmd.addAll(extraArgs);
    for (Path m : manifests) {
      cmd.add(m.toString());
    }
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(workDir.toFile())
            .start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  HttpResponse<String> get(String host) throws IOException, InterruptedException {
    return get(host, "/");
  }

  HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(60))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  JsonNode status() throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return JSON.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
  }

  Optional<JsonNode> service(String name) throws IOException, InterruptedException {
    for (JsonNode s : status().path("services")) {
      if (s.path("name").asText().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  Optional<JsonNode> revision(String name) throws IOException, InterruptedException {
    for (JsonNode r : status().path("revisions")) {
      if (r.path("name").asText().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  void awaitReady(String service) {
    try {
      Await.until(
          "service " + service + " ready",
          Duration.ofSeconds(90),
          () -> {
            if (!process.isAlive()) {
              throw new AssertionError(
                  "pilotlight local exited with " + process.exitValue() + ":\n" + logText());
            }
            return service(service).map(s -> s.path("ready").asBoolean()).orElse(false);
          });
    } catch (AssertionError e) {
      // the log as it is now, when the wait failed: it goes with the test's temp dir
      throw new AssertionError(e.getMessage() + "\nlog:\n" + logTail(), e);
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "<no log: " + e + ">";
    }
  }

  String logTail() {
    String text = logText();
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  /** SIGTERM, as Ctrl-C or a service manager would; returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "pilotlight local did not stop within 60s of SIGTERM:\n" + logTail());
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    if (process.isAlive()) {
      stop();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
