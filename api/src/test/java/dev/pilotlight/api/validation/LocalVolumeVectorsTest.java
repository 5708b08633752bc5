package dev.pilotlight.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pilotlight.api.autoscaling.AutoscalerConfig;
import dev.pilotlight.api.config.Features;
import dev.pilotlight.api.config.ServingDefaults;
import dev.pilotlight.api.manifest.ManifestException;
import dev.pilotlight.api.manifest.ManifestProblem;
import dev.pilotlight.api.manifest.ManifestReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative's volume and mount vectors ({@code k8s_validation_test.go}'s TestVolumeValidation, in
 * {@code knative-vectors/k8s-volumes.yaml}) run in local mode, where the revision (an image, no
 * command) runs as a container: what Knative refuses is refused locally too, and what Knative
 * accepts is accepted locally, or refused only for what local mode cannot do (a volume source other
 * than emptyDir, configMap, secret and projected), naming local mode.
 */
class LocalVolumeVectorsTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, ManifestReader> READERS = new HashMap<>();

  static Stream<KnativeVectorsTest.Vector> volumeVectors() throws Exception {
    return KnativeVectorsTest.vectors().stream().filter(v -> v.file().equals("k8s-volumes.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("volumeVectors")
  void localModeNeverAcceptsWhatKnativeRefusesAndRefusesOnlyWhatItCannotRun(
      KnativeVectorsTest.Vector v) throws Exception {
    Features features =
        v.node().has("features")
            ? Features.fromData(KnativeVectorsTest.strings(v.node().get("features")))
            : Features.DEFAULTS;
    ManifestReader reader =
        READERS.computeIfAbsent(
            v.node().path("features").toString(),
            k ->
                new ManifestReader(
                    new Validator(
                        new Validator.Settings(
                            AutoscalerConfig.DEFAULTS,
                            features,
                            ServingDefaults.DEFAULTS,
                            Validator.Mode.LOCAL))));
    List<ManifestProblem> problems;
    try {
      reader.read(YAML.writeValueAsString(KnativeVectorsTest.manifest(v.node())), v.file());
      problems = List.of();
    } catch (ManifestException e) {
      problems = e.problems();
    }
    if (v.verdict().equals("invalid")) {
      assertThat(problems).as("Knative refuses it").isNotEmpty();
    } else {
      assertThat(problems)
          .as("Knative accepts it: refused locally only for what local mode cannot run")
          .allSatisfy(p -> assertThat(p.toString()).contains("in local mode"));
    }
  }
}
