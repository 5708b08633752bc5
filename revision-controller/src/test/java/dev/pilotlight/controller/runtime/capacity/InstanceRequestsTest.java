package dev.pilotlight.controller.runtime.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.reserve.ReserveResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstanceRequestsTest {
  static final Resources DEFAULTS = new Resources(500, 256L << 20);
  static final ReserveResources RESERVE_CPU = new ReserveResources("250m", 250, null, 0);
  static final ReserveResources RESERVE_BOTH =
      new ReserveResources("250m", 250, "128Mi", 128L << 20);

  static Container container(String name, boolean port, String requests, String limits) {
    ContainerBuilder b = new ContainerBuilder().withName(name).withCommand("app");
    if (port) {
      b.addNewPort().withContainerPort(8080).endPort();
    }
    if (requests != null || limits != null) {
      b.withResources(
          new ResourceRequirementsBuilder()
              .withRequests(quantities(requests))
              .withLimits(quantities(limits))
              .build());
    }
    return b.build();
  }

  static Map<String, Quantity> quantities(String s) {
    if (s == null) {
      return null;
    }
    Map<String, Quantity> m = new java.util.LinkedHashMap<>();
    for (String pair : s.split(",")) {
      String[] kv = pair.split("=");
      m.put(kv[0], new Quantity(kv[1]));
    }
    return m;
  }

  static RevisionSpec spec(Container... containers) {
    return new RevisionSpec(List.of(containers), null, null, null, null);
  }

  static Stream<Arguments> rows() {
    Container bare = container("app", true, null, null);
    Container cpuOnly = container("app", true, "cpu=1", null);
    Container both = container("app", true, "cpu=250m,memory=1Gi", null);
    Container limitOnly = container("app", true, null, "cpu=2,memory=512Mi");
    Container sidecar = container("proxy", false, "cpu=100m,memory=64Mi", null);
    return Stream.of(
        Arguments.of("nothing named: the default", spec(bare), null, "cpu=500m,memory=256Mi"),
        Arguments.of(
            "cpu named, memory the default", spec(cpuOnly), null, "cpu=1000m,memory=256Mi"),
        Arguments.of("both named", spec(both), null, "cpu=250m,memory=1Gi"),
        Arguments.of(
            "a limit alone is the request", spec(limitOnly), null, "cpu=2000m,memory=512Mi"),
        Arguments.of("summed over containers", spec(both, sidecar), null, "cpu=350m,memory=1088Mi"),
        Arguments.of(
            "a sidecar's alone: no default added for the serving one",
            spec(bare, sidecar),
            null,
            "cpu=100m,memory=64Mi"),
        Arguments.of(
            "reserve cpu over the default", spec(bare), RESERVE_CPU, "cpu=250m,memory=256Mi"),
        Arguments.of(
            "reserve cpu over the serving container's",
            spec(both),
            RESERVE_CPU,
            "cpu=250m,memory=1Gi"),
        Arguments.of(
            "reserve over the serving container, the sidecar's kept",
            spec(both, sidecar),
            RESERVE_BOTH,
            "cpu=350m,memory=192Mi"),
        Arguments.of(
            "no reserve resources: a standard instance's",
            spec(both),
            ReserveResources.NONE,
            "cpu=250m,memory=1Gi"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void requests(String name, RevisionSpec spec, ReserveResources reserve, String expected) {
    Resources r =
        reserve == null
            ? InstanceRequests.standard(spec, DEFAULTS)
            : InstanceRequests.reserve(spec, reserve, DEFAULTS);
    assertThat(r).hasToString(expected);
  }
}
