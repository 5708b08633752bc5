package dev.pilotlight.controller.status;

import static dev.pilotlight.controller.status.PodAutoscalerConditions.ACTIVE;
import static dev.pilotlight.controller.status.PodAutoscalerConditions.READY;
import static dev.pilotlight.controller.status.PodAutoscalerConditions.SCALE_TARGET_INITIALIZED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.controller.kubernetes.status.Conditions;
import dev.pilotlight.controller.kubernetes.status.Conditions.Cond;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's KPA transitions (pkg/reconciler/autoscaling/kpa/kpa_test.go TestReconcile cases and the
 * computeActiveCondition table), with Knative's defaultScale of 11. Knative's {@code want} is the
 * scale its scaler applies (the decision within the bounds), which is what Pilotlight's autoscaler
 * writes as desiredScale. The SKSReady condition is not ported (Pilotlight has no
 * ServerlessService), so where Knative's Ready waits for it, Ready here follows Active and
 * ScaleTargetInitialized alone.
 */
class PodAutoscalerConditionsTest {
  static final Cond NEW = Cond.unknown(ACTIVE, null, null);
  static final Cond NO_TRAFFIC =
      Cond.isFalse(ACTIVE, "NoTraffic", "The target is not receiving traffic.");
  static final Cond QUEUED =
      Cond.unknown(
          ACTIVE,
          "Queued",
          "Requests to the target are being buffered as resources are provisioned.");
  static final Cond TIMED_OUT =
      Cond.isFalse(ACTIVE, "TimedOut", "The target could not be activated.");
  static final Cond ACTIVE_TRUE = Cond.isTrue(ACTIVE);

  static Stream<Arguments> knative() {
    return Stream.of(
        // name, Active before, initialized before, want, ready, routed, min, initial,
        // Active after, initialized after
        Arguments.of("pa activates", NO_TRAFFIC, true, 11, 0, true, 0, 1, QUEUED, true),
        Arguments.of(
            "sks is still not ready", ACTIVE_TRUE, false, 11, 11, true, 0, 1, ACTIVE_TRUE, true),
        Arguments.of("sks becomes ready", QUEUED, false, 11, 0, true, 0, 1, QUEUED, false),
        Arguments.of(
            "kpa does not become ready without minScale endpoints when reachable",
            NEW,
            false,
            11,
            1,
            true,
            2,
            1,
            QUEUED,
            false),
        Arguments.of(
            "kpa becomes ready without minScale endpoints when unreachable",
            NEW,
            false,
            11,
            1,
            false,
            2,
            1,
            ACTIVE_TRUE,
            true),
        Arguments.of(
            "kpa becomes ready with minScale endpoints when reachable",
            QUEUED,
            false,
            11,
            2,
            true,
            2,
            1,
            ACTIVE_TRUE,
            true),
        Arguments.of("steady not serving", NO_TRAFFIC, true, 0, 0, true, 0, 1, NO_TRAFFIC, true),
        Arguments.of(
            "from serving to proxy", ACTIVE_TRUE, false, 0, 1, true, 0, 1, NO_TRAFFIC, true),
        Arguments.of("activation failure", QUEUED, false, 0, 1, true, 0, 1, TIMED_OUT, true),
        Arguments.of(
            "want=-1, underscaled, PA inactive",
            NO_TRAFFIC,
            true,
            -1,
            10,
            true,
            11,
            1,
            NO_TRAFFIC,
            true),
        Arguments.of(
            "want=1, underscaled, PA inactive",
            NO_TRAFFIC,
            true,
            11,
            10,
            true,
            11,
            1,
            QUEUED,
            true),
        Arguments.of(
            "underscaled, PA activating", QUEUED, false, 11, 10, true, 11, 1, QUEUED, false),
        Arguments.of(
            "underscaled, PA active", ACTIVE_TRUE, true, 11, 10, true, 11, 1, QUEUED, true),
        Arguments.of(
            "overscaled, PA inactive", NO_TRAFFIC, true, 11, 12, true, 11, 1, ACTIVE_TRUE, true),
        Arguments.of(
            "over maxScale, need to scale down, PA active",
            ACTIVE_TRUE,
            true,
            11,
            12,
            true,
            11,
            1,
            ACTIVE_TRUE,
            true),
        Arguments.of(
            "scaled-to-0-no-scale-data", NO_TRAFFIC, true, -1, 0, true, 0, 1, NO_TRAFFIC, true),
        Arguments.of(
            "initial scale > minScale, have not reached initial scale, PA still activating",
            QUEUED,
            false,
            20,
            11,
            true,
            11,
            20,
            QUEUED,
            false),
        Arguments.of(
            "initial scale reached, mark PA as active",
            QUEUED,
            false,
            20,
            20,
            true,
            0,
            20,
            ACTIVE_TRUE,
            true),
        Arguments.of(
            "initial scale zero: scale to zero", NEW, false, -1, 0, true, 0, 0, NO_TRAFFIC, true),
        Arguments.of(
            "initial scale zero: stay at zero", NEW, true, -1, 0, true, 0, 0, QUEUED, true),
        Arguments.of(
            "initial scale zero: scale to greater than zero",
            NEW,
            true,
            2,
            2,
            true,
            0,
            0,
            ACTIVE_TRUE,
            true),
        // computeActiveCondition's table, the rows not above
        Arguments.of(
            "-1, >= min, min 0, activating: inactive",
            QUEUED,
            false,
            -1,
            1,
            true,
            0,
            0,
            NO_TRAFFIC,
            true),
        Arguments.of(
            "-1, < min, active: activating", ACTIVE_TRUE, true, -1, 0, true, 0, 1, QUEUED, true),
        Arguments.of(
            "-1, >= min, active: active", ACTIVE_TRUE, true, -1, 1, true, 0, 1, ACTIVE_TRUE, true),
        // Pilotlight: an unrouted revision goes to zero at once, never a time-out
        Arguments.of(
            "unrouted to zero while queued", QUEUED, false, 0, 0, false, 3, 1, NO_TRAFFIC, false),
        Arguments.of(
            "a new revision told zero at once", NEW, false, 0, 0, true, 0, 1, NO_TRAFFIC, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("knative")
  void knativeTransitions(
      String name,
      Cond activeBefore,
      boolean initializedBefore,
      int want,
      int ready,
      boolean routed,
      int min,
      int initial,
      Cond activeAfter,
      boolean initializedAfter) {
    List<Cond> before =
        List.of(
            activeBefore,
            initializedBefore
                ? Cond.isTrue(SCALE_TARGET_INITIALIZED)
                : Cond.unknown(SCALE_TARGET_INITIALIZED, null, null));
    List<Cond> after = PodAutoscalerConditions.of(want, ready, routed, min, initial, before);
    assertThat(after)
        .extracting(Cond::type)
        .containsExactly(ACTIVE, READY, SCALE_TARGET_INITIALIZED);
    assertThat(after.get(0)).isEqualTo(activeAfter);
    assertThat(after.get(2).isTrue()).isEqualTo(initializedAfter);
    Cond expectedReady =
        activeAfter.isTrue() && initializedAfter
            ? Cond.isTrue(READY)
            : activeAfter.isFalse() || initializedAfter
                ? activeAfter.as(READY)
                : activeAfter.isTrue() ? Cond.unknown(READY, null, null) : activeAfter.as(READY);
    assertThat(after.get(1)).isEqualTo(expectedReady);
  }

  /** A revision's life, in manual time: transition times move only when a status changes. */
  @Test
  void aLifeInManualTime() {
    Instant t = Instant.parse("2026-12-07T12:00:00Z");
    List<Condition> status = step(List.of(), 1, 0, t); // new: one instance wanted, none ready
    assertThat(Conditions.get(status, ACTIVE)).isEqualTo(QUEUED);
    assertThat(Conditions.get(status, READY).reason()).isEqualTo("Queued");
    status = step(status, 1, 1, t.plusSeconds(5));
    assertThat(Conditions.isTrue(status, READY)).isTrue();
    assertThat(Conditions.find(status, ACTIVE).orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-12-07T12:00:05Z");
    status = step(status, 1, 1, t.plusSeconds(60));
    assertThat(Conditions.find(status, ACTIVE).orElseThrow().getLastTransitionTime())
        .as("unchanged")
        .isEqualTo("2026-12-07T12:00:05Z");
    status = step(status, 0, 1, t.plusSeconds(90)); // idle: scaled to zero
    assertThat(Conditions.get(status, ACTIVE)).isEqualTo(NO_TRAFFIC);
    assertThat(Conditions.get(status, READY)).isEqualTo(NO_TRAFFIC.as(READY));
    status = step(status, 0, 0, t.plusSeconds(95));
    status = step(status, 1, 0, t.plusSeconds(200)); // a request arrives: held, one wanted
    assertThat(Conditions.get(status, ACTIVE)).isEqualTo(QUEUED);
    assertThat(Conditions.isTrue(status, SCALE_TARGET_INITIALIZED)).as("stays").isTrue();
    status = step(status, 0, 0, t.plusSeconds(800)); // the progress deadline passed, never ready
    assertThat(Conditions.get(status, ACTIVE)).isEqualTo(TIMED_OUT);
    assertThat(Conditions.find(status, ACTIVE).orElseThrow().getLastTransitionTime())
        .isEqualTo("2026-12-07T12:13:20Z");
  }

  static List<Condition> step(List<Condition> before, int want, int ready, Instant now) {
    List<Cond> previous = new ArrayList<>();
    for (String type : List.of(ACTIVE, SCALE_TARGET_INITIALIZED)) {
      Conditions.find(before, type).ifPresent(c -> previous.add(Conditions.get(before, type)));
    }
    return Conditions.merge(
        before, PodAutoscalerConditions.of(want, ready, true, 0, 1, previous), now);
  }
}
