package dev.pilotlight.api.autoscaling;

import dev.pilotlight.api.validation.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Reads typed knob values from a string map (annotations or a ConfigMap's data), recording a
 * violation that states the value and the rule, and returning the default on bad input.
 */
record KnobReader(
    Map<String, String> values, List<Violation> violations, UnaryOperator<String> field) {

  int integer(String key, int def, int min, int max, String expected) {
    return read(key, def, s -> Integer.parseInt(s.trim()), n -> n >= min && n <= max, expected);
  }

  double decimal(String key, double def, double min, double max, String expected) {
    return read(key, def, s -> Double.parseDouble(s.trim()), d -> d >= min && d <= max, expected);
  }

  Duration duration(String key, Duration def, Duration min, Duration max, String expected) {
    return read(
        key, def, Durations::parse, d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0, expected);
  }

  boolean bool(String key, boolean def) {
    return read(key, def, KnobReader::parseBoolean, b -> true, "true or false");
  }

  void violation(String key, String message) {
    violations.add(new Violation(field.apply(key), message));
  }

  /** Go's {@code strconv.ParseBool}, which Knative uses. */
  private static Boolean parseBoolean(String s) {
    return switch (s.trim()) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw new IllegalArgumentException(s);
    };
  }

  /** {@code parse} throws IllegalArgumentException (NumberFormatException included) on bad text. */
  <T> T read(String key, T def, Function<String, T> parse, Predicate<T> inRange, String expected) {
    String s = values.get(key);
    if (s == null) {
      return def;
    }
    try {
      T value = parse.apply(s);
      if (inRange.test(value)) {
        return value;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    violation(key, "\"" + s + "\" (expected: " + expected + ")");
    return def;
  }
}
