package dev.pilotlight.loadtest.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AdminReplicaSourceTest {
  static final String STATUS =
      """
      {"services": [],
       "revisions": [
        {"name": "hello-00001", "namespace": "default", "service": "hello",
         "configuration": "hello", "desiredReplicas": 0, "actualReplicas": 1},
        {"name": "hello-00002", "namespace": "default", "service": "hello",
         "configuration": "hello", "desiredReplicas": 3, "actualReplicas": 2,
         "reserve": {"enabled": true, "ready": true}},
        {"name": "other-00001", "namespace": "team", "service": "hello",
         "configuration": "hello", "desiredReplicas": 5, "actualReplicas": 5},
        {"name": "canary-00001", "namespace": "default", "configuration": "canary",
         "desiredReplicas": 1, "actualReplicas": 1}
       ]}
      """;

  static JsonNode status() throws IOException {
    return new ObjectMapper().readTree(STATUS);
  }

  @Test
  void aServiceSumsItsRevisionsInTheNamespaceAsked() throws IOException {
    assertThat(AdminReplicaSource.count(status(), "default", "hello"))
        .isEqualTo(new Replicas(3, 3, 1));
    assertThat(AdminReplicaSource.count(status(), null, "hello")).isEqualTo(new Replicas(8, 8, 1));
  }

  @Test
  void aRevisionOrAConfigurationIsMatchedByItsName() throws IOException {
    assertThat(AdminReplicaSource.count(status(), null, "hello-00001"))
        .isEqualTo(new Replicas(0, 1, 0));
    assertThat(AdminReplicaSource.count(status(), null, "canary")).isEqualTo(new Replicas(1, 1, 0));
  }

  @Test
  void anUnknownNameIsRefusedNamingWhatIsKnown() {
    assertThatThrownBy(() -> AdminReplicaSource.count(status(), null, "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--observe: no service, configuration or revision named \"nope\""
                + " (known services: canary, hello)");
  }

  @Test
  void readsARealStatusEndpoint() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    server.createContext(
        "/status",
        ex -> {
          byte[] body = STATUS.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try (AdminReplicaSource source =
        new AdminReplicaSource(server.getAddress().getPort(), "default/hello")) {
      assertThat(source.read()).isEqualTo(new Replicas(3, 3, 1));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aClosedPortIsAnIoError() throws IOException {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (AdminReplicaSource source = new AdminReplicaSource(port, "hello")) {
      assertThatThrownBy(source::read).isInstanceOf(IOException.class);
    }
  }
}
