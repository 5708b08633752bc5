package dev.pilotlight.api.model;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.time.Duration;
import java.util.List;

/**
 * A revision's spec, as Knative's: a Kubernetes {@code PodSpec} carried whole (inline, as in
 * Knative's Go type, so {@code containers}, {@code volumes}, {@code serviceAccountName}, ... sit
 * next to {@code containerConcurrency}) plus Knative's own fields. Which pod spec fields a template
 * may set is the validator's business ({@code FieldMask}); nothing the manifest holds is dropped
 * here: a field Kubernetes does not know lands in the fabric8 objects' additional properties and is
 * refused by validation.
 *
 * @param podSpec the pod spec; never null (a copy: do not mutate)
 * @param containerConcurrency hard limit of concurrent requests per instance; 0 or null = unlimited
 * @param timeoutSeconds maximum request duration, seconds (default 300)
 * @param responseStartTimeoutSeconds maximum wait for the first response byte, seconds (default:
 *     timeoutSeconds)
 * @param idleTimeoutSeconds maximum time without bytes in either direction, seconds (default: none)
 */
@JsonSerialize(using = RevisionSpecJson.Writer.class)
@JsonDeserialize(using = RevisionSpecJson.Reader.class)
public record RevisionSpec(
    PodSpec podSpec,
    Long containerConcurrency,
    Long timeoutSeconds,
    Long responseStartTimeoutSeconds,
    Long idleTimeoutSeconds) {

  public static final long DEFAULT_TIMEOUT_SECONDS = 300;

  /** Knative's default serving port when the serving container declares none. */
  public static final int DEFAULT_PORT = 8080;

  public RevisionSpec {
    podSpec = podSpec == null ? new PodSpec() : new PodSpecBuilder(podSpec).build();
  }

  /** A spec whose pod spec holds only {@code containers}. */
  public RevisionSpec(
      List<Container> containers,
      Long containerConcurrency,
      Long timeoutSeconds,
      Long responseStartTimeoutSeconds,
      Long idleTimeoutSeconds) {
    this(
        new PodSpecBuilder().withContainers(containers == null ? List.of() : containers).build(),
        containerConcurrency,
        timeoutSeconds,
        responseStartTimeoutSeconds,
        idleTimeoutSeconds);
  }

  /** The pod's containers, the serving one and any sidecars; init containers are not among them. */
  public List<Container> containers() {
    List<Container> c = podSpec.getContainers();
    return c == null ? List.of() : List.copyOf(c);
  }

  /**
   * The serving container, as Knative picks it: the one container, else the one with a port (a
   * valid spec has exactly one); null when there is none.
   */
  public Container container() {
    List<Container> cs = containers();
    if (cs.size() == 1) {
      return cs.get(0);
    }
    for (Container c : cs) {
      if (c.getPorts() != null && !c.getPorts().isEmpty()) {
        return c;
      }
    }
    return cs.isEmpty() ? null : cs.get(0);
  }

  /** The index of {@link #container()} in {@link #containers()}, -1 when there is none. */
  public int servingIndex() {
    Container serving = container();
    List<Container> cs = containers();
    for (int i = 0; i < cs.size(); i++) {
      if (cs.get(i) == serving) {
        return i;
      }
    }
    return -1;
  }

  /** The serving port: the serving container's declared port, else 8080. */
  public int port() {
    Container c = container();
    if (c != null && c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (p.getContainerPort() != null && p.getContainerPort() != 0) {
          return p.getContainerPort();
        }
      }
    }
    return DEFAULT_PORT;
  }

  /**
   * What the serving container speaks: {@link Protocol#H2C} when its port is named {@code h2c}
   * (Knative's convention, e.g. {@code ports: [{name: h2c, containerPort: 8080}]}), else HTTP/1.1.
   */
  public Protocol protocol() {
    Container c = container();
    if (c == null || c.getPorts() == null) {
      return Protocol.HTTP1;
    }
    for (ContainerPort p : c.getPorts()) {
      if (Protocol.ofPortName(p.getName()) == Protocol.H2C) {
        return Protocol.H2C;
      }
    }
    return Protocol.HTTP1;
  }

  public int concurrencyLimit() {
    return containerConcurrency == null ? 0 : containerConcurrency.intValue();
  }

  public Duration timeout() {
    return Duration.ofSeconds(
        timeoutSeconds == null || timeoutSeconds == 0 ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds);
  }

  /** The response-start timeout, or null when unset. */
  public Duration responseStartTimeout() {
    return responseStartTimeoutSeconds == null
        ? null
        : Duration.ofSeconds(responseStartTimeoutSeconds);
  }

  /** The idle timeout, or null when unset. */
  public Duration idleTimeout() {
    return idleTimeoutSeconds == null ? null : Duration.ofSeconds(idleTimeoutSeconds);
  }
}
