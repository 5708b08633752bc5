package dev.pilotlight.activator.feed;

import dev.pilotlight.api.kubernetes.KubernetesNames;
import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.reserve.ReserveSpecs;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Revision and the EndpointSlices of its headless Services → the gateway's {@link
 * RevisionEndpoints}, as a pure function.
 *
 * <p>The Service named like the revision lists its standard pods, {@code <revision>-reserve} its
 * pilot light; a Service may have several slices, merged. Per endpoint: {@code conditions.ready}
 * true (or unset, which Kubernetes says to read as true) → ready; not ready and not terminating →
 * starting (the gateway probes it itself and routes to it on its first success, before the
 * kubelet's readiness reaches the slice) when the gateway can probe it as the kubelet would (see
 * {@link #gatewayProbes}), else left out until the kubelet calls it ready; terminating → left out,
 * so no new request goes to a pod being stopped. An endpoint listed in two slices (while Kubernetes
 * moves it between them) counts once, ready if either says so. Ids are {@code address:port}, so the
 * same pod keeps its id across slice updates. The protocol comes from the slice port's name ({@code
 * h2c} → {@link Protocol#H2C}, the Service's port is named after the container's). A slice without
 * a port number is skipped: the controller always gives the headless Service its port. The
 * revision's {@link RevisionEndpoints#problem} comes from its status conditions ({@link #problem}).
 */
public final class EndpointSliceMapping {
  private EndpointSliceMapping() {}

  /** The revision's key: its namespace and name. */
  public static RevisionKey key(RevisionResource revision) {
    return new RevisionKey(revision.getMetadata().getNamespace(), revision.getMetadata().getName());
  }

  /**
   * @param slices the revision's slices; slices of other Services or namespaces are ignored
   */
  public static RevisionEndpoints revisionEndpoints(
      RevisionResource revision, Collection<EndpointSlice> slices) {
    RevisionKey key = key(revision);
    RevisionSpec spec = revision.getSpec();
    if (spec == null) {
      spec = new RevisionSpec(java.util.List.of(), null, null, null, null);
    }
    Map<String, Endpoint> ready = new TreeMap<>();
    Map<String, Endpoint> starting = new TreeMap<>();
    boolean probed = gatewayProbes(spec);
    for (EndpointSlice slice : slices) {
      InstanceClass instanceClass = instanceClass(key, slice);
      EndpointPort port = servingPort(slice);
      if (instanceClass == null || port == null) {
        continue;
      }
      Protocol protocol = Protocol.ofPortName(port.getName());
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e :
          nonNull(slice.getEndpoints())) {
        if (e == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
          continue;
        }
        String address = e.getAddresses().get(0);
        Endpoint endpoint =
            new Endpoint(
                id(address, port.getPort()), address, port.getPort(), instanceClass, protocol);
        switch (state(e.getConditions())) {
          case READY -> {
            ready.put(endpoint.id(), endpoint);
            starting.remove(endpoint.id());
          }
          case STARTING -> {
            if (probed && !ready.containsKey(endpoint.id())) {
              starting.put(endpoint.id(), endpoint);
            }
          }
          case TERMINATING -> {}
        }
      }
    }
    return new RevisionEndpoints(
        key,
        spec.concurrencyLimit(),
        spec.timeout(),
        spec.responseStartTimeout(),
        spec.idleTimeout(),
        new ArrayList<>(ready.values()),
        new ArrayList<>(starting.values()),
        readinessProbe(spec),
        reserve(revision, spec),
        problem(revision));
  }

  /**
   * The pilot light's limits from the revision's annotations (its own containerConcurrency, and how
   * many requests in flight it carries alone before the gateway pokes the autoscaler), null when
   * the revision has none: the same spec the controller's reserve Deployment is made from.
   */
  static RevisionEndpoints.Reserve reserve(RevisionResource revision, RevisionSpec spec) {
    Map<String, String> annotations =
        revision.getMetadata() == null ? null : revision.getMetadata().getAnnotations();
    if (annotations == null || annotations.isEmpty()) {
      return null;
    }
    return ReserveSpecs.lenient(annotations, spec.concurrencyLimit())
        .map(r -> new RevisionEndpoints.Reserve(r.containerConcurrency(), r.servesUpTo()))
        .orElse(null);
  }

  /** The most specific first: the container, then the resources, then the revision as a whole. */
  static final List<String> PROBLEM_CONDITIONS =
      List.of("ContainerHealthy", "ResourcesAvailable", "Ready");

  /** A problem longer than this, in chars, is cut: it goes into a 503's body. */
  static final int MAX_PROBLEM = 1024;

  /**
   * Why the revision cannot serve, as its status says, for a held request's 503: {@code <reason>:
   * <message>} of its first False condition of {@link #PROBLEM_CONDITIONS} (just the reason or the
   * message when it has only one, its type when neither), cut to {@link #MAX_PROBLEM} chars; null
   * when none is False (Unknown is not a problem yet: the revision is deploying).
   */
  static String problem(RevisionResource revision) {
    RevisionResource.Status status = revision.getStatus();
    if (status == null || status.conditions() == null) {
      return null;
    }
    for (String type : PROBLEM_CONDITIONS) {
      for (Condition c : status.conditions()) {
        if (c != null && type.equals(c.getType()) && "False".equals(c.getStatus())) {
          return cut(describe(c));
        }
      }
    }
    return null;
  }

  private static String describe(Condition c) {
    boolean reason = c.getReason() != null && !c.getReason().isBlank();
    boolean message = c.getMessage() != null && !c.getMessage().isBlank();
    if (reason && message) {
      return c.getReason() + ": " + c.getMessage();
    }
    if (reason || message) {
      return reason ? c.getReason() : c.getMessage();
    }
    return c.getType() + " is False";
  }

  /** At most {@link #MAX_PROBLEM} chars, "..." ending a cut one, no surrogate pair split. */
  private static String cut(String s) {
    if (s.length() <= MAX_PROBLEM) {
      return s;
    }
    int end = MAX_PROBLEM - 3;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "...";
  }

  enum State {
    READY,
    STARTING,
    TERMINATING
  }

  static State state(EndpointConditions conditions) {
    if (conditions == null) {
      return State.READY;
    }
    if (Boolean.TRUE.equals(conditions.getTerminating())) {
      return State.TERMINATING;
    }
    return Boolean.FALSE.equals(conditions.getReady()) ? State.STARTING : State.READY;
  }

  /**
   * {@link InstanceClass#STANDARD} for a slice of the revision's Service, {@link
   * InstanceClass#RESERVE} for one of its reserve Service, null for any other slice.
   */
  static InstanceClass instanceClass(RevisionKey revision, EndpointSlice slice) {
    if (slice.getMetadata() == null
        || !revision.namespace().equals(slice.getMetadata().getNamespace())
        || slice.getMetadata().getLabels() == null) {
      return null;
    }
    String service =
        slice.getMetadata().getLabels().get(KubernetesNames.ENDPOINT_SLICE_SERVICE_LABEL);
    if (KubernetesNames.endpointsService(revision.name()).equals(service)) {
      return InstanceClass.STANDARD;
    }
    if (KubernetesNames.reserveEndpointsService(revision.name()).equals(service)) {
      return InstanceClass.RESERVE;
    }
    return null;
  }

  /**
   * The slice's TCP port: the one named {@code h2c} or {@code http} when there are several (the
   * controller gives the Service exactly one), else the first with a number; null when none.
   */
  static EndpointPort servingPort(EndpointSlice slice) {
    EndpointPort first = null;
    for (EndpointPort p : nonNull(slice.getPorts())) {
      if (p == null
          || p.getPort() == null
          || (p.getProtocol() != null && !"TCP".equals(p.getProtocol()))) {
        continue;
      }
      if ("h2c".equals(p.getName()) || "http".equals(p.getName())) {
        return p;
      }
      if (first == null) {
        first = p;
      }
    }
    return first;
  }

  /** {@code 10.0.0.7:8080}, {@code [fd00::7]:8080}. */
  static String id(String address, int port) {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  /**
   * Whether the gateway's own probe of a starting pod answers what the kubelet's readiness would:
   * the serving container's readiness probe is an {@code httpGet} or {@code tcpSocket} (or none: a
   * TCP connect, Knative's default), and no other container has a readiness probe (a pod is ready
   * only when all its containers are). An {@code exec} or {@code grpc} probe, or a sidecar's probe,
   * is the kubelet's to run: the gateway waits for the endpoint's {@code ready} condition.
   */
  static boolean gatewayProbes(RevisionSpec spec) {
    Container serving = spec.container();
    for (Container c : spec.containers()) {
      Probe p = c.getReadinessProbe();
      if (p == null) {
        continue;
      }
      if (c != serving || p.getExec() != null || p.getGrpc() != null) {
        return false;
      }
    }
    return true;
  }

  /** The container's HTTP readiness path, else a TCP connect, as the kubelet would probe it. */
  static ReadinessProbe readinessProbe(RevisionSpec spec) {
    Container c = spec.container();
    Probe p = c == null ? null : c.getReadinessProbe();
    if (p != null && p.getHttpGet() != null) {
      return ReadinessProbe.http(p.getHttpGet().getPath());
    }
    return ReadinessProbe.TCP;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return Objects.requireNonNullElse(list, List.of());
  }
}
