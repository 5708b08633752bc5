package dev.pilotlight.controller.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePolicyTest {

  /** Kubernetes' defaulting of imagePullPolicy (pkg/apis/core/v1/defaults.go). */
  @ParameterizedTest
  @CsvSource({
    "nginx, Always",
    "nginx:latest, Always",
    "nginx:1.27, IfNotPresent",
    "localhost:5000/app, Always",
    "localhost:5000/app:latest, Always",
    "localhost:5000/app:v2, IfNotPresent",
    "ghcr.io/knative/helloworld-go@sha256:0123abcd, IfNotPresent",
    "ghcr.io/knative/helloworld-go:latest@sha256:0123abcd, IfNotPresent",
  })
  void theDefaultPolicyIsKubernetes(String image, String policy) {
    assertThat(ImagePolicy.defaultPolicy(image)).isEqualTo(policy);
  }

  @ParameterizedTest(name = "{0} {1} present={2} -> {3}")
  @CsvSource(
      nullValues = "null",
      value = {
        // policy, image, present id, expected
        "Never, app:1, sha256:aa, use sha256:aa",
        "Never, app:1, null, fail ErrImageNeverPull",
        "IfNotPresent, app:1, sha256:aa, use sha256:aa",
        "IfNotPresent, app:1, null, pull",
        "Always, app:1, sha256:aa, pull",
        "Always, app:1, null, pull",
        "null, app:1, sha256:aa, use sha256:aa",
        "null, app:1, null, pull",
        "null, app, sha256:aa, pull",
        "null, app:latest, sha256:aa, pull",
      })
  void theDecisionFollowsThePolicyAndWhatIsPresent(
      String policy, String image, String present, String expected) {
    ImagePolicy.Action a = ImagePolicy.decide(policy, image, present);
    String got =
        a instanceof ImagePolicy.Use u
            ? "use " + u.imageId()
            : a instanceof ImagePolicy.Fail f ? "fail " + f.reason() : "pull";
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void neverWithNoImageSaysWhatTheKubeletSays() {
    assertThat(ImagePolicy.decide("Never", "app:1", null))
        .isEqualTo(
            new ImagePolicy.Fail(
                "ErrImageNeverPull",
                "Container image \"app:1\" is not present with pull policy of Never"));
  }
}
