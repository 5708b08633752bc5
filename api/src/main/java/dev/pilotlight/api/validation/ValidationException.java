package dev.pilotlight.api.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a resource breaks one or more rules; the message lists every violation, one per line.
 */
public final class ValidationException extends RuntimeException {
  private final List<Violation> violations;

  public ValidationException(List<Violation> violations) {
    super(violations.stream().map(Violation::toString).collect(Collectors.joining("\n")));
    this.violations = List.copyOf(violations);
  }

  public List<Violation> violations() {
    return violations;
  }
}
