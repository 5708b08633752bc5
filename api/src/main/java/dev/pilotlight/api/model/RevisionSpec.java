package dev.pilotlight.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.api.spi.Protocol;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import java.time.Duration;
import java.util.List;

/**
 * A revision's pod spec, as in Knative: exactly one serving container.
 *
 * @param containerConcurrency hard limit of concurrent requests per instance; 0 or null = unlimited
 * @param timeoutSeconds maximum request duration, seconds (default 300)
 * @param responseStartTimeoutSeconds maximum wait for the first response byte, seconds (default:
 *     timeoutSeconds)
 * @param idleTimeoutSeconds maximum time without bytes in either direction, seconds (default: none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(
    value = {
      "serviceAccountName",
      "volumes",
      "imagePullSecrets",
      "enableServiceLinks",
      "nodeSelector",
      "tolerations",
      "affinity",
      "securityContext",
      "runtimeClassName",
      "priorityClassName",
      "automountServiceAccountToken",
      "dnsPolicy",
      "dnsConfig",
      "hostAliases",
      "schedulerName",
      "topologySpreadConstraints",
      "initContainers"
    },
    ignoreUnknown = false)
public record RevisionSpec(
    List<Container> containers,
    Long containerConcurrency,
    Long timeoutSeconds,
    Long responseStartTimeoutSeconds,
    Long idleTimeoutSeconds) {

  public static final long DEFAULT_TIMEOUT_SECONDS = 300;

  public RevisionSpec {
    containers = containers == null ? List.of() : List.copyOf(containers);
  }

  /** The serving container; validation guarantees there is exactly one. */
  public Container container() {
    return containers.isEmpty() ? null : containers.get(0);
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
    return Duration.ofSeconds(timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds);
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
