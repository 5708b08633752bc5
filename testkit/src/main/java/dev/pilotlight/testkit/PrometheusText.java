package dev.pilotlight.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A scraped Prometheus text exposition (0.0.4 or OpenMetrics), parsed into samples so tests can ask
 * for a series' value by name and labels, whatever the order the labels were written in. Comments
 * ({@code # HELP}, {@code # TYPE}, {@code # EOF}) are skipped; exemplars and timestamps ignored.
 */
public final class PrometheusText {
  /** One sample line: a series name, its labels, its value. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      out.add(parseLine(line));
    }
    return new PrometheusText(List.copyOf(out));
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The samples of series {@code name} (exact, e.g. {@code x_bucket}). */
  public List<Sample> series(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /**
   * The value of the sample named {@code name} whose labels are exactly {@code labels} (given as
   * name, value, name, value...), or empty when there is none.
   */
  public OptionalDouble value(String name, String... labels) {
    Map<String, String> want = new LinkedHashMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(want))
        .mapToDouble(Sample::value)
        .findFirst();
  }

  /** Whether any sample of any series carries label {@code label} with value {@code value}. */
  public boolean anyLabelled(String label, String value) {
    return samples.stream().anyMatch(s -> Objects.equals(s.labels().get(label), value));
  }

  private static Sample parseLine(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        i = eq + 2; // past ="
        StringBuilder v = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\') {
            char n = line.charAt(i++);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
        }
        labels.put(key, v.toString());
        i++; // past the closing quote
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++; // past }
    }
    String rest = line.substring(i).trim();
    int end = rest.indexOf(' ');
    String value = end < 0 ? rest : rest.substring(0, end);
    return new Sample(name, Map.copyOf(labels), parseValue(value));
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }
}
