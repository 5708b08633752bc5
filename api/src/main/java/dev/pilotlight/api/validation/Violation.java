package dev.pilotlight.api.validation;

/**
 * One broken rule: the field path ({@code spec.traffic[1].percent}) and a message stating the value
 * and what was expected ({@code -5 (expected: 0..100)}).
 */
public record Violation(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
