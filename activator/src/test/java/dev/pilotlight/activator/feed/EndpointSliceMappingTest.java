package dev.pilotlight.activator.feed;

import static dev.pilotlight.activator.feed.K8sFixtures.endpoint;
import static dev.pilotlight.activator.feed.K8sFixtures.ready;
import static dev.pilotlight.activator.feed.K8sFixtures.revision;
import static dev.pilotlight.activator.feed.K8sFixtures.slice;
import static dev.pilotlight.activator.feed.K8sFixtures.starting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.kubernetes.RevisionResource;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.spi.Endpoint;
import dev.pilotlight.api.spi.InstanceClass;
import dev.pilotlight.api.spi.Protocol;
import dev.pilotlight.api.spi.ReadinessProbe;
import dev.pilotlight.api.spi.RevisionEndpoints;
import dev.pilotlight.api.spi.RevisionKey;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointSliceMappingTest {
  static final String NS = "default";
  static final String REV = "hello-00001";
  static final RevisionKey KEY = new RevisionKey(NS, REV);

  static Endpoint std(String address, int port) {
    return new Endpoint(address + ":" + port, address, port, InstanceClass.STANDARD);
  }

  static Endpoint res(String address, int port) {
    return new Endpoint(address + ":" + port, address, port, InstanceClass.RESERVE);
  }

  static EndpointSlice standard(
      String name, io.fabric8.kubernetes.api.model.discovery.v1.Endpoint... eps) {
    return slice(NS, name, REV, REV, "http", 8080, eps);
  }

  /** name, slices, expected ready, expected starting. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no slice: no instance", List.of(), List.of(), List.of()),
        Arguments.of(
            "ready endpoint is ready",
            List.of(standard("a", ready("10.0.0.1"))),
            List.of(std("10.0.0.1", 8080)),
            List.of()),
        Arguments.of(
            "not ready and not terminating is starting",
            List.of(standard("a", starting("10.0.0.1"))),
            List.of(),
            List.of(std("10.0.0.1", 8080))),
        Arguments.of(
            "terminating is left out, even while serving",
            List.of(
                standard(
                    "a",
                    endpoint("10.0.0.1", false, true),
                    endpoint("10.0.0.2", true, true),
                    ready("10.0.0.3"))),
            List.of(std("10.0.0.3", 8080)),
            List.of()),
        Arguments.of(
            "unset conditions read as ready",
            List.of(
                standard(
                    "a",
                    endpoint("10.0.0.1", null, null),
                    new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder()
                        .withAddresses("10.0.0.2")
                        .build())),
            List.of(std("10.0.0.1", 8080), std("10.0.0.2", 8080)),
            List.of()),
        Arguments.of(
            "slices of one Service merge; an endpoint in two slices counts once, ready if either says so",
            List.of(
                standard("a", ready("10.0.0.1"), starting("10.0.0.2")),
                standard("b", ready("10.0.0.2"), starting("10.0.0.3"), starting("10.0.0.1"))),
            List.of(std("10.0.0.1", 8080), std("10.0.0.2", 8080)),
            List.of(std("10.0.0.3", 8080))),
        Arguments.of(
            "reserve Service's endpoints are reserve instances",
            List.of(
                standard("a", ready("10.0.0.1")),
                slice(NS, "r", REV, REV + "-reserve", "http", 8080, ready("10.0.0.9"))),
            List.of(std("10.0.0.1", 8080), res("10.0.0.9", 8080)),
            List.of()),
        Arguments.of(
            "port named h2c: HTTP/2 cleartext",
            List.of(slice(NS, "a", REV, REV, "h2c", 9000, ready("10.0.0.1"))),
            List.of(
                new Endpoint(
                    "10.0.0.1:9000", "10.0.0.1", 9000, InstanceClass.STANDARD, Protocol.H2C)),
            List.of()),
        Arguments.of(
            "IPv6 address: bracketed id, bare host",
            List.of(standard("a", ready("fd00::7"))),
            List.of(new Endpoint("[fd00::7]:8080", "fd00::7", 8080, InstanceClass.STANDARD)),
            List.of()),
        Arguments.of(
            "other Services' slices and other namespaces are ignored",
            List.of(
                slice(NS, "x", REV, "hello-00002", "http", 8080, ready("10.0.0.5")),
                slice("other", "y", REV, REV, "http", 8080, ready("10.0.0.6")),
                standard("a", ready("10.0.0.1"))),
            List.of(std("10.0.0.1", 8080)),
            List.of()),
        Arguments.of(
            "slice without a port number is skipped",
            List.of(slice(NS, "a", REV, REV, "http", null, ready("10.0.0.1"))),
            List.of(),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mapsSlicesToInstances(
      String name, List<EndpointSlice> slices, List<Endpoint> ready, List<Endpoint> starting) {
    RevisionEndpoints e = EndpointSliceMapping.revisionEndpoints(revision(NS, REV), slices);
    assertThat(e.revision()).isEqualTo(KEY);
    assertThat(e.ready()).containsExactlyInAnyOrderElementsOf(ready);
    assertThat(e.starting()).containsExactlyInAnyOrderElementsOf(starting);
  }

  static Container serving(Probe readiness) {
    return new ContainerBuilder()
        .withName("app")
        .withImage("ghcr.io/example/hello")
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .withReadinessProbe(readiness)
        .build();
  }

  static Container sidecar(Probe readiness) {
    return new ContainerBuilder()
        .withName("side")
        .withImage("ghcr.io/example/side")
        .withReadinessProbe(readiness)
        .build();
  }

  static Probe http() {
    return new ProbeBuilder().withNewHttpGet().withPath("/ready").endHttpGet().build();
  }

  static Probe tcp() {
    return new ProbeBuilder().withNewTcpSocket().endTcpSocket().build();
  }

  static Probe exec() {
    return new ProbeBuilder().withNewExec().withCommand("cat", "/tmp/ready").endExec().build();
  }

  static Probe grpc() {
    return new ProbeBuilder().withNewGrpc().withPort(8080).endGrpc().build();
  }

  /** name, containers, whether the gateway probes a starting pod itself. */
  static Stream<Arguments> probes() {
    return Stream.of(
        Arguments.of("no readiness probe: a TCP connect", List.of(serving(null)), true),
        Arguments.of("httpGet", List.of(serving(http())), true),
        Arguments.of("tcpSocket", List.of(serving(tcp())), true),
        Arguments.of("exec: the kubelet's", List.of(serving(exec())), false),
        Arguments.of("grpc: the kubelet's", List.of(serving(grpc())), false),
        Arguments.of("sidecar without a probe", List.of(serving(http()), sidecar(null)), true),
        Arguments.of(
            "sidecar with a probe: the pod is ready when all its containers are",
            List.of(serving(http()), sidecar(tcp())),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probes")
  void startingPodIsProbedByTheGatewayOnlyWhenItCanProbeAsTheKubeletWould(
      String name, List<Container> containers, boolean gatewayProbes) {
    RevisionResource r = revision(NS, REV, new RevisionSpec(containers, null, null, null, null));
    RevisionEndpoints e =
        EndpointSliceMapping.revisionEndpoints(
            r, List.of(standard("a", ready("10.0.0.1"), starting("10.0.0.2"))));

    assertThat(e.ready()).containsExactly(std("10.0.0.1", 8080));
    assertThat(e.starting())
        .containsExactlyElementsOf(gatewayProbes ? List.of(std("10.0.0.2", 8080)) : List.of());
  }

  @Test
  void limitsAndProbeComeFromTheRevisionSpec() {
    RevisionEndpoints e = EndpointSliceMapping.revisionEndpoints(revision(NS, REV), List.of());
    assertThat(e.containerConcurrency()).isEqualTo(10);
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.responseStartTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(e.idleTimeout()).isNull();
    assertThat(e.probe()).isEqualTo(ReadinessProbe.http("/healthz"));
  }

  @Test
  void withoutLimitsOrProbe_knativeDefaults() {
    RevisionResource r = revision(NS, REV, new RevisionSpec(List.of(), null, null, null, null));
    RevisionEndpoints e = EndpointSliceMapping.revisionEndpoints(r, List.of());
    assertThat(e.containerConcurrency()).isZero();
    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(RevisionSpec.DEFAULT_TIMEOUT_SECONDS));
    assertThat(e.probe()).isEqualTo(ReadinessProbe.TCP);
  }

  @Test
  void thePilotLightsLimitsComeFromTheRevisionsAnnotations() {
    RevisionResource plain = revision(NS, REV);
    // none: the reserve's limits default to the revision's, serving alone up to nothing
    assertThat(EndpointSliceMapping.revisionEndpoints(plain, List.of()).reserve())
        .isEqualTo(new RevisionEndpoints.Reserve(10, 0));
    RevisionResource lit = revision(NS, REV);
    lit.getMetadata()
        .setAnnotations(
            java.util.Map.of(
                dev.pilotlight.api.reserve.ReserveAnnotations.INSTANCE, "true",
                dev.pilotlight.api.reserve.ReserveAnnotations.CONTAINER_CONCURRENCY, "4",
                dev.pilotlight.api.reserve.ReserveAnnotations.SERVES_UP_TO, "2"));
    assertThat(EndpointSliceMapping.revisionEndpoints(lit, List.of()).reserve())
        .isEqualTo(new RevisionEndpoints.Reserve(4, 2));
  }

  @Test
  void sameInputs_equalOutputs_whateverTheSliceOrder() {
    List<EndpointSlice> ab =
        List.of(standard("a", ready("10.0.0.2")), standard("b", ready("10.0.0.1")));
    List<EndpointSlice> ba = List.of(ab.get(1), ab.get(0));
    assertThat(EndpointSliceMapping.revisionEndpoints(revision(NS, REV), ab))
        .isEqualTo(EndpointSliceMapping.revisionEndpoints(revision(NS, REV), ba));
  }

  static Condition condition(String type, String status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  /** name, conditions, expected problem. */
  static Stream<Arguments> problems() {
    Condition ready = condition("Ready", "True", null, null);
    Condition healthy = condition("ContainerHealthy", "True", null, null);
    Condition available = condition("ResourcesAvailable", "True", null, null);
    Condition crash =
        condition("ContainerHealthy", "False", "ExitCode1", "container exited with code 1");
    Condition pull =
        condition("ResourcesAvailable", "False", "ImagePullBackOff", "cannot pull example:latest");
    Condition notReady = condition("Ready", "False", "RevisionFailed", "the revision failed");
    return Stream.of(
        Arguments.of("no status: none", null, null),
        Arguments.of("all True: none", List.of(ready, healthy, available), null),
        Arguments.of(
            "Unknown is deploying, not a problem",
            List.of(
                condition("Ready", "Unknown", "Deploying", "waiting"),
                condition("ResourcesAvailable", "Unknown", "Deploying", "waiting")),
            null),
        Arguments.of(
            "Ready False alone: its reason and message",
            List.of(notReady),
            "RevisionFailed: the revision failed"),
        Arguments.of(
            "ContainerHealthy False is more specific than Ready False",
            List.of(notReady, available, crash),
            "ExitCode1: container exited with code 1"),
        Arguments.of(
            "ResourcesAvailable False is more specific than Ready False",
            List.of(notReady, pull, healthy),
            "ImagePullBackOff: cannot pull example:latest"),
        Arguments.of(
            "ContainerHealthy False before ResourcesAvailable False",
            List.of(notReady, pull, crash),
            "ExitCode1: container exited with code 1"),
        Arguments.of(
            "a False condition of another type is not a problem",
            List.of(ready, condition("Active", "False", "NoTraffic", "scaled to zero")),
            null),
        Arguments.of(
            "reason only",
            List.of(condition("Ready", "False", "RevisionMissing", null)),
            "RevisionMissing"),
        Arguments.of(
            "message only", List.of(condition("Ready", "False", "", "no instance")), "no instance"),
        Arguments.of(
            "neither: the type",
            List.of(condition("Ready", "False", null, null)),
            "Ready is False"),
        Arguments.of(
            "cut to 1 KiB",
            List.of(condition("ContainerHealthy", "False", "Crash", "x".repeat(2000))),
            "Crash: " + "x".repeat(1024 - "Crash: ".length() - 3) + "..."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("problems")
  void theProblemIsTheMostSpecificFalseCondition(
      String name, List<Condition> conditions, String problem) {
    RevisionResource r = revision(NS, REV);
    if (conditions != null) {
      r.setStatus(new RevisionResource.Status(1L, conditions, 0, 0, null));
    }
    RevisionEndpoints e = EndpointSliceMapping.revisionEndpoints(r, List.of());
    assertThat(e.problem()).isEqualTo(problem);
    if (problem != null) {
      assertThat(e.problem()).hasSizeLessThanOrEqualTo(1024);
    }
  }
}
