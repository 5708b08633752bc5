package dev.pilotlight.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.model.ObjectMeta;
import dev.pilotlight.api.model.RevisionSpec;
import dev.pilotlight.api.model.RevisionTemplate;
import dev.pilotlight.api.model.Service;
import dev.pilotlight.api.model.ServiceSpec;
import dev.pilotlight.api.validation.Validator;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveServingConfigTest {
  private final LiveServingConfig live = new LiveServingConfig(ServingConfig.DEFAULTS);

  @Test
  void aValidChangeIsAppliedAndAnEqualOneChangesNothing() {
    LiveServingConfig.Offer o =
        live.defaults(
            "cm", () -> ServingDefaults.fromData(Map.of("revision-timeout-seconds", "60")));
    assertThat(o.applied()).isTrue();
    assertThat(o.refusal()).isNull();
    assertThat(live.current().defaults().revisionTimeoutSeconds()).isEqualTo(60);

    LiveServingConfig.Offer again =
        live.defaults(
            "cm", () -> ServingDefaults.fromData(Map.of("revision-timeout-seconds", " 60")));
    assertThat(again.applied()).isFalse();
    assertThat(again.refusal()).isNull();
  }

  @Test
  void anInvalidChangeIsRefusedOnceAndTheLastGoodStays() {
    live.features("cm", () -> Features.fromData(Map.of("kubernetes.podspec-fieldref", "enabled")));
    Features good = live.current().features();

    LiveServingConfig.Offer bad =
        live.features("cm", () -> Features.fromData(Map.of("multi-container", "maybe")));
    assertThat(bad.applied()).isFalse();
    assertThat(bad.refusal()).startsWith("data.multi-container: \"maybe\"");
    assertThat(live.current().features()).isEqualTo(good);
    assertThat(live.refused(LiveServingConfig.FEATURES)).isTrue();
    // the same problem again (a resync, a re-save): not reported again
    assertThat(
            live.features("cm", () -> Features.fromData(Map.of("multi-container", "maybe")))
                .refusal())
        .isNull();
    // a source that cannot be read names itself
    assertThat(
            live.features(
                    "f.yaml",
                    () -> {
                      throw new java.io.IOException("file is missing");
                    })
                .refusal())
        .isEqualTo("f.yaml: file is missing");
    // valid again: applied, the refusal cleared
    assertThat(live.features("cm", () -> Features.DEFAULTS).applied()).isTrue();
    assertThat(live.refused(LiveServingConfig.FEATURES)).isFalse();
  }

  @Test
  void theTwoSourcesCombineAndARefusalOfOneKeepsTheOther() {
    live.features("f", () -> Features.fromData(Map.of("kubernetes.podspec-fieldref", "enabled")));
    live.defaults("d", () -> ServingDefaults.fromData(Map.of("container-concurrency", "5")));
    live.defaults("d", () -> ServingDefaults.fromData(Map.of("container-concurrency", "-1")));

    assertThat(live.current().defaults().containerConcurrency()).isEqualTo(5);
    assertThat(live.current().features())
        .isEqualTo(Features.fromData(Map.of("kubernetes.podspec-fieldref", "enabled")));
  }

  @Test
  void aValidatorReadingTheLiveConfigValidatesAgainstTheConfigInForce() {
    Validator validator =
        new Validator(() -> AutoscalerConfig.DEFAULTS, live::current, Validator.Mode.KUBERNETES);
    Service s =
        new Service(
            "serving.knative.dev/v1",
            "Service",
            ObjectMeta.named("hello", "default"),
            new ServiceSpec(
                new RevisionTemplate(
                    new ObjectMeta(null, null, null, null, null, null),
                    new RevisionSpec(
                        List.of(new ContainerBuilder().withImage("example/app").build()),
                        null,
                        700L,
                        null,
                        null)),
                List.of()));
    assertThat(validator.validate(s))
        .singleElement()
        .satisfies(v -> assertThat(v.field()).isEqualTo("spec.template.spec.timeoutSeconds"));

    live.defaults(
        "d", () -> ServingDefaults.fromData(Map.of("max-revision-timeout-seconds", "900")));

    assertThat(validator.validate(s)).isEmpty();
  }
}
