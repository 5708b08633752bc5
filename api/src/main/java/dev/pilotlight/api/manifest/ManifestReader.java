package dev.pilotlight.api.manifest;

import dev.pilotlight.api.model.Resource;
import dev.pilotlight.api.validation.Validator;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads manifests into validated resources. Accepts {@code serving.pilotlight.dev/v1} and
 * {@code serving.knative.dev/v1}; kinds Service, Configuration, Route; multi-document YAML (empty
 * documents skipped). Namespaces default to {@code default}. All problems of a file are reported
 * together; a file with any problem yields nothing.
 */
public final class ManifestReader {
  private final Validator validator;

  public ManifestReader(Validator validator) {
    this.validator = validator;
  }

  public List<Resource> read(Path file) throws ManifestException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Reads YAML text; {@code source} names it in problems (usually the file path). */
  public List<Resource> read(String yaml, String source) throws ManifestException {
    throw new UnsupportedOperationException("TODO");
  }
}
