package dev.pilotlight.controller.kubernetes.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.validation.Violation;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Configuration, Route and Service conditions. */
class KindConditionsTest {

  static Stream<Arguments> configuration() {
    return Stream.of(
        Arguments.of(null, Cond.isTrue("Ready"), "Unknown", "RevisionMissing"),
        Arguments.of("hello-00002", Cond.isTrue("Ready"), "True", null),
        Arguments.of(
            "hello-00002", Cond.unknown("Ready", "Deploying", "w"), "Unknown", "RevisionNotReady"),
        Arguments.of(
            "hello-00002",
            Cond.isFalse("Ready", "ErrImagePull", "pull denied"),
            "False",
            "RevisionFailed"));
  }

  @ParameterizedTest(name = "latest {0}, its Ready {1} → {2} {3}")
  @MethodSource("configuration")
  void configurationReadyFollowsTheLatestCreatedRevision(
      String latest, Cond latestReady, String status, String reason) {
    Cond c = ConfigurationConditions.ready(latest, latestReady);
    assertThat(c.status()).isEqualTo(status);
    assertThat(c.reason()).isEqualTo(reason);
    if (latestReady.isFalse()) {
      assertThat(c.message())
          .isEqualTo("Revision \"hello-00002\" failed with message: pull denied");
    }
  }

  @Test
  void routeConditionsNameTheMissingTarget() {
    List<Cond> missingRevision =
        RouteConditions.unresolved(
            List.of(new Violation("spec.traffic[1].revisionName", "revision \"x\" does not exist")),
            true);
    assertThat(missingRevision.get(0).type()).isEqualTo("AllTrafficAssigned");
    assertThat(missingRevision.get(0).reason()).isEqualTo("RevisionMissing");
    assertThat(missingRevision.get(0).message())
        .startsWith("spec.traffic[1].revisionName: revision \"x\" does not exist")
        .endsWith("; still serving the previous traffic");
    assertThat(missingRevision.get(1)).isEqualTo(missingRevision.get(0).as("Ready"));

    List<Cond> missingConfig =
        RouteConditions.unresolved(
            List.of(
                new Violation(
                    "spec.traffic[0].configurationName",
                    "configuration \"c\" has no revision yet")),
            false);
    assertThat(missingConfig.get(0).reason()).isEqualTo("ConfigurationMissing");
    // a configuration that exists and is stamping its first revision: waiting, not failing
    List<Cond> waiting =
        RouteConditions.waiting(
            List.of(
                new Violation(
                    "spec.traffic[0].configurationName",
                    "configuration \"c\" has no revision yet")),
            false);
    assertThat(waiting).extracting(Cond::status).containsExactly("Unknown", "Unknown");
    assertThat(waiting.get(0).reason()).isEqualTo("RevisionMissing");
    assertThat(RouteConditions.resolved()).extracting(Cond::status).containsExactly("True", "True");
  }

  @Test
  void serviceReadyIsBothChildrenReady() {
    List<Cond> both = ServiceConditions.of(Cond.isTrue(null), Cond.isTrue(null));
    assertThat(both)
        .extracting(Cond::type)
        .containsExactly("ConfigurationsReady", "RoutesReady", "Ready");
    assertThat(both).extracting(Cond::status).containsExactly("True", "True", "True");

    List<Cond> routeBroken =
        ServiceConditions.of(
            ServiceConditions.outOfDate("Configuration", "hello"),
            Cond.isFalse(null, "RevisionMissing", "gone"));
    assertThat(routeBroken.get(2)).isEqualTo(new Cond("Ready", "False", "RevisionMissing", "gone"));

    List<Cond> invalid =
        ServiceConditions.invalid(
            List.of(new Violation("spec.traffic", "percents sum to 90 (expected: 100)")),
            Cond.isTrue(null),
            Cond.isTrue(null));
    assertThat(invalid.get(2).reason()).isEqualTo("InvalidSpec");
    assertThat(invalid.get(2).message())
        .startsWith("spec.traffic: percents sum to 90 (expected: 100)");
  }
}
