package dev.pilotlight.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.model.RevisionSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ServingDefaults#applyTo}: config-defaults' timeouts and concurrency in a new revision,
 * with the vectors of Knative's {@code TestRevisionDefaulting} ({@code
 * pkg/apis/serving/v1/revision_defaults_test.go}: inputs and expected values) and the edges of its
 * rules.
 */
class RevisionDefaultingTest {

  /** timeoutSeconds, containerConcurrency, responseStartTimeoutSeconds, idleTimeoutSeconds. */
  record Fields(Long timeout, Long concurrency, Long responseStart, Long idle) {
    RevisionSpec spec() {
      return new RevisionSpec(
          List.of(new ContainerBuilder().withImage("example/app").build()),
          concurrency,
          timeout,
          responseStart,
          idle);
    }

    static Fields of(RevisionSpec s) {
      return new Fields(
          s.timeoutSeconds(),
          s.containerConcurrency(),
          s.responseStartTimeoutSeconds(),
          s.idleTimeoutSeconds());
    }
  }

  static final Fields UNSET = new Fields(null, null, null, null);

  /** name, config-defaults data, the template's fields, the revision's fields. */
  static Stream<Arguments> vectors() {
    return Stream.of(
        // Knative's TestRevisionDefaulting
        Arguments.of("knative: empty", Map.of(), UNSET, new Fields(300L, 0L, null, null)),
        Arguments.of(
            "knative: with context",
            Map.of("revision-timeout-seconds", "400"),
            UNSET,
            new Fields(400L, 0L, null, null)),
        Arguments.of(
            "knative: all revision timeouts set",
            Map.of(
                "revision-timeout-seconds", "400",
                "revision-idle-timeout-seconds", "100",
                "revision-response-start-timeout-seconds", "50"),
            UNSET,
            new Fields(400L, 0L, 50L, 100L)),
        Arguments.of(
            "knative: some revision timeouts set with identical values",
            Map.of(
                "revision-timeout-seconds", "400",
                "revision-response-start-timeout-seconds", "400"),
            UNSET,
            new Fields(400L, 0L, null, null)),
        Arguments.of(
            "knative: with context, in create",
            Map.of("revision-timeout-seconds", "323"),
            UNSET,
            new Fields(323L, 0L, null, null)),
        Arguments.of(
            "knative: no overwrite",
            Map.of(),
            new Fields(99L, 1L, null, null),
            new Fields(99L, 1L, null, null)),
        Arguments.of(
            "knative: timeout sets to default when 0 is specified",
            Map.of("revision-timeout-seconds", "456"),
            new Fields(0L, null, null, null),
            new Fields(456L, 0L, null, null)),
        // the rules' edges
        Arguments.of(
            "container-concurrency when unset",
            Map.of("container-concurrency", "10"),
            UNSET,
            new Fields(300L, 10L, null, null)),
        Arguments.of(
            "an explicit containerConcurrency 0 is kept",
            Map.of("container-concurrency", "10"),
            new Fields(null, 0L, null, null),
            new Fields(300L, 0L, null, null)),
        Arguments.of(
            "timeout defaults measured against the revision's own timeout",
            Map.of(
                "revision-idle-timeout-seconds", "100",
                "revision-response-start-timeout-seconds", "50"),
            new Fields(60L, null, null, null),
            new Fields(60L, 0L, 50L, null)),
        Arguments.of(
            "explicit timeouts are kept",
            Map.of(
                "revision-idle-timeout-seconds", "100",
                "revision-response-start-timeout-seconds", "50"),
            new Fields(200L, 5L, 10L, 20L),
            new Fields(200L, 5L, 10L, 20L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void defaultsAsKnativesWebhook(
      String name, Map<String, String> data, Fields template, Fields revision) {
    RevisionSpec in = template.spec();

    RevisionSpec out = ServingDefaults.fromData(data).applyTo(in);

    assertThat(Fields.of(out)).isEqualTo(revision);
    assertThat(out.podSpec()).isEqualTo(in.podSpec());
  }
}
