package dev.pilotlight.cli;

import dev.pilotlight.api.autoscaling.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Parses Go-style durations ("30s", "1m30s", "500ms"), as Knative's knobs are written. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "\"" + value + "\" is not a duration (expected: e.g. 30s, 1m30s, 500ms)");
    }
  }
}
