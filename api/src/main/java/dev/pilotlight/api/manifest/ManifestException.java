package dev.pilotlight.api.manifest;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest could not be read or is invalid; lists every problem, one per line. */
public final class ManifestException extends Exception {
  private final List<ManifestProblem> problems;

  public ManifestException(List<ManifestProblem> problems) {
    super(problems.stream().map(ManifestProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ManifestProblem> problems() {
    return problems;
  }
}
