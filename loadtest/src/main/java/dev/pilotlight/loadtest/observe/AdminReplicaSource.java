package dev.pilotlight.loadtest.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a local Pilotlight's {@code GET /status} on 127.0.0.1: the revisions whose name, service or
 * configuration is the observed name (optionally {@code namespace/name}), summed. A revision's
 * {@code reserve.ready} counts one pilot-light instance.
 */
public final class AdminReplicaSource implements ReplicaSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final String namespace;
  private final String name;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final HttpRequest request;

  public AdminReplicaSource(int port, String observe) {
    this.port = port;
    int slash = observe.indexOf('/');
    this.namespace = slash < 0 ? null : observe.substring(0, slash);
    this.name = slash < 0 ? observe : observe.substring(slash + 1);
    this.request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
            .timeout(Duration.ofSeconds(2))
            .build();
  }

  @Override
  public Replicas read() throws IOException {
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new IOException(
          "no local Pilotlight answers on admin port 127.0.0.1:"
              + port
              + " (start one with ./pilotlight local FILE, or set --admin-port)",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "admin endpoint 127.0.0.1:" + port + " answered " + response.statusCode());
    }
    return count(JSON.readTree(response.body()), namespace, name);
  }

  /** The counts for {@code name} in a status document; pure. */
  static Replicas count(JsonNode status, String namespace, String name) {
    int desired = 0;
    int ready = 0;
    int reserve = 0;
    boolean found = false;
    Set<String> known = new TreeSet<>();
    for (JsonNode rev : status.path("revisions")) {
      known.add(rev.path("service").asText(rev.path("configuration").asText()));
      if (namespace != null && !namespace.equals(rev.path("namespace").asText())) {
        continue;
      }
      if (!name.equals(rev.path("name").asText())
          && !name.equals(rev.path("service").asText())
          && !name.equals(rev.path("configuration").asText())) {
        continue;
      }
      found = true;
      desired += rev.path("desiredReplicas").asInt();
      ready += rev.path("actualReplicas").asInt();
      if (rev.path("reserve").path("ready").asBoolean()) {
        reserve++;
      }
    }
    if (!found) {
      known.remove("");
      throw new IllegalArgumentException(
          "--observe: no service, configuration or revision named \""
              + name
              + "\" (known services: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + ")");
    }
    return new Replicas(desired, ready, reserve);
  }

  @Override
  public String describe() {
    return "admin endpoint 127.0.0.1:" + port + ", \"" + name + "\"";
  }
}
